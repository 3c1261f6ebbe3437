package io.mediamesh.gateway.admin;

import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.MediaServerRole;
import io.mediamesh.api.v1.ServerStatus;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.gateway.http.Views;
import java.util.Locale;

/** The REST spellings of config kinds, server roles and statuses: nginx, origin, healthy... */
final class AdminNames {
    private static final String KIND_PREFIX = "CONFIG_KIND_";
    private static final String ROLE_PREFIX = "MEDIA_SERVER_ROLE_";

    private AdminNames() {}

    static String kind(ConfigKind kind) {
        return Views.lowerEnum(kind, KIND_PREFIX);
    }

    static String role(MediaServerRole role) {
        return Views.lowerEnum(role, ROLE_PREFIX);
    }

    static String status(ServerStatus status) {
        return Views.lowerEnum(status, "SERVER_STATUS_");
    }

    /** A role by name, or {@code error}. */
    static MediaServerRole parseRole(String name, ErrorCode error) {
        try {
            if (name.equals(name.toLowerCase(Locale.ROOT))) {
                MediaServerRole role = MediaServerRole.valueOf(ROLE_PREFIX + name.toUpperCase(Locale.ROOT));
                if (role != MediaServerRole.MEDIA_SERVER_ROLE_UNSPECIFIED) {
                    return role;
                }
            }
        } catch (IllegalArgumentException e) {
            // Reported below.
        }
        throw new MediameshException(error, "role must be origin, relay or edge, not \"" + abbreviate(name) + "\".");
    }

    /** The kind and role of a /configs/:kind/:role path; INVALID_CONFIG_TARGET otherwise. */
    static ConfigKind parseKind(String name) {
        try {
            if (name.equals(name.toLowerCase(Locale.ROOT))) {
                ConfigKind kind = ConfigKind.valueOf(KIND_PREFIX + name.toUpperCase(Locale.ROOT));
                if (kind != ConfigKind.CONFIG_KIND_UNSPECIFIED) {
                    return kind;
                }
            }
        } catch (IllegalArgumentException e) {
            // Reported below.
        }
        throw new MediameshException(ErrorCode.INVALID_CONFIG_TARGET,
                                     "kind must be nginx, janus or coturn, not \"" + abbreviate(name) + "\".");
    }

    private static String abbreviate(String raw) {
        return raw.length() <= 32 ? raw : raw.substring(0, 32) + "...";
    }
}
