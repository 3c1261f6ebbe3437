package io.mediamesh.config;

import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.MediaServerRole;
import io.mediamesh.common.error.MediameshException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The media-server roles' names (REST, database), in stage order ORIGIN -> RELAY -> EDGE. */
public final class ServerRoles {
    public static final List<MediaServerRole> ALL = List.of(MediaServerRole.MEDIA_SERVER_ROLE_ORIGIN,
                                                            MediaServerRole.MEDIA_SERVER_ROLE_RELAY,
                                                            MediaServerRole.MEDIA_SERVER_ROLE_EDGE);

    private static final String PREFIX = "MEDIA_SERVER_ROLE_";

    private ServerRoles() {}

    /** MEDIA_SERVER_ROLE_ORIGIN -> "origin". */
    public static String name(MediaServerRole role) {
        return role.name().substring(PREFIX.length()).toLowerCase(Locale.ROOT);
    }

    /** "origin" -> MEDIA_SERVER_ROLE_ORIGIN; empty for anything else. */
    public static Optional<MediaServerRole> parse(String name) {
        return ALL.stream().filter(role -> name(role).equals(name)).findFirst();
    }

    /** {@code role} if it is one of the three roles, else INVALID_CONFIG_TARGET (configs are per role). */
    public static MediaServerRole checkTarget(MediaServerRole role) {
        if (!ALL.contains(role)) {
            throw new MediameshException(ErrorCode.INVALID_CONFIG_TARGET, "role must be origin, relay or edge.");
        }
        return role;
    }
}
