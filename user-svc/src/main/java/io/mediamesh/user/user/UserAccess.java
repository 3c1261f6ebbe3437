package io.mediamesh.user.user;

import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.Principal;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.error.MediameshException;

/** Finding the account a call is about, for the callers allowed to see it. */
public final class UserAccess {
    private final UserRepository users;
    private final Callers callers;

    public UserAccess(UserRepository users, Callers callers) {
        this.users = users;
        this.callers = callers;
    }

    /** The named user, if the caller is them or an admin; a stranger learns nothing, not even existence. */
    public UserAccount findAuthorized(String userName) {
        Principal caller = callers.require();
        Credentials.checkUserName(userName);
        if (!caller.getUserName().equalsIgnoreCase(userName) && !Callers.isAdmin(caller)) {
            throw new MediameshException(ErrorCode.PERMISSION_DENIED, "Only the user themself or an admin may do this.");
        }
        return find(userName);
    }

    /** The named user, for an admin only. */
    public UserAccount findAsAdmin(String userName) {
        callers.requireAdmin();
        return find(Credentials.checkUserName(userName));
    }

    private UserAccount find(String userName) {
        return users.findByName(userName)
                    .orElseThrow(() -> new MediameshException(ErrorCode.USER_NOT_FOUND, "No user " + userName + '.'));
    }
}
