package io.mediamesh.media.stream;

import io.mediamesh.api.v1.MediaServerRole;

/** Where a tier sits in the ORIGIN -> RELAY -> EDGE fan-out, as stored and as in the registry. */
public enum TierRole {
    ORIGIN("origin", MediaServerRole.MEDIA_SERVER_ROLE_ORIGIN),
    RELAY("relay", MediaServerRole.MEDIA_SERVER_ROLE_RELAY),
    EDGE("edge", MediaServerRole.MEDIA_SERVER_ROLE_EDGE);

    private final String dbName;
    private final MediaServerRole proto;

    TierRole(String dbName, MediaServerRole proto) {
        this.dbName = dbName;
        this.proto = proto;
    }

    public String dbName() {
        return dbName;
    }

    public MediaServerRole proto() {
        return proto;
    }

    public static TierRole fromDb(String name) {
        for (TierRole role : values()) {
            if (role.dbName.equals(name)) {
                return role;
            }
        }
        throw new IllegalArgumentException("Unknown tier role " + name);
    }
}
