package io.mediamesh.gateway.user;

import io.mediamesh.api.v1.User;
import io.mediamesh.gateway.http.Views;

/** A user as the REST API shows it. */
public record UserView(long id, String userName, String role, String createdAt) {
    public static UserView of(User user) {
        return new UserView(user.getId(), user.getUserName(), Views.lowerEnum(user.getRole(), "ROLE_"),
                            Views.time(user.getCreatedAt()));
    }
}
