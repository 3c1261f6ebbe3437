package io.mediamesh.user.user;

import io.mediamesh.api.v1.Role;

/** A user's role, as stored. */
public enum UserRole {
    USER("user", Role.ROLE_USER),
    ADMIN("admin", Role.ROLE_ADMIN);

    private final String dbValue;
    private final Role proto;

    UserRole(String dbValue, Role proto) {
        this.dbValue = dbValue;
        this.proto = proto;
    }

    public String dbValue() {
        return dbValue;
    }

    public Role toProto() {
        return proto;
    }

    public static UserRole fromDb(String value) {
        for (UserRole role : values()) {
            if (role.dbValue.equals(value)) {
                return role;
            }
        }
        throw new IllegalStateException("Unknown role in the database: " + value);
    }
}
