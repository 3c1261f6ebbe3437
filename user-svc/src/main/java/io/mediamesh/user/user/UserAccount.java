package io.mediamesh.user.user;

import io.mediamesh.api.v1.Principal;
import io.mediamesh.api.v1.User;
import io.mediamesh.common.time.Times;
import java.time.Instant;

/** A stored user, without the password hash. */
public record UserAccount(long id, String userName, UserRole role, Instant createdAt) {
    public User toProto() {
        return User.newBuilder()
                   .setId(id)
                   .setUserName(userName)
                   .setRole(role.toProto())
                   .setCreatedAt(Times.toProto(createdAt))
                   .build();
    }

    public Principal toPrincipal() {
        return Principal.newBuilder().setUserId(id).setUserName(userName).setRole(role.toProto()).build();
    }
}
