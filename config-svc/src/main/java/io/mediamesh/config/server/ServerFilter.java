package io.mediamesh.config.server;

import io.mediamesh.api.v1.MediaServerRole;
import java.util.Optional;

/**
 * Which servers a listing returns.
 *
 * @param role UNSPECIFIED = every role
 * @param relayGroup empty = every group
 * @param enabled empty = both
 * @param healthy empty = any status; true = HEALTHY only; false = UNKNOWN or UNHEALTHY
 */
public record ServerFilter(MediaServerRole role, String relayGroup, Optional<Boolean> enabled,
                           Optional<Boolean> healthy) {
    public static final ServerFilter ALL =
            new ServerFilter(MediaServerRole.MEDIA_SERVER_ROLE_UNSPECIFIED, "", Optional.empty(), Optional.empty());

    /** The enabled servers of one role, as an apply targets them. */
    public static ServerFilter enabledOf(MediaServerRole role) {
        return new ServerFilter(role, "", Optional.of(true), Optional.empty());
    }

    /** Every server of one role, enabled or not, as a new document must render for them all. */
    public static ServerFilter allOf(MediaServerRole role) {
        return new ServerFilter(role, "", Optional.empty(), Optional.empty());
    }
}
