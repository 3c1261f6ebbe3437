package io.mediamesh.user.user;

import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.error.MediameshException;
import java.util.regex.Pattern;

/** The rules for user names and passwords. */
public final class Credentials {
    public static final int MAX_USER_NAME_LENGTH = 64;
    public static final int MIN_PASSWORD_LENGTH = 8;
    public static final int MAX_PASSWORD_LENGTH = 128;
    private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9_.-]+");

    private Credentials() {}

    /** A user name: 1..64 characters of [A-Za-z0-9_.-], so it is safe in URLs and logs. */
    public static String checkUserName(String userName) {
        if (userName.isEmpty()) {
            throw new MediameshException(ErrorCode.INVALID_USER_NAME, "user_name must not be empty.");
        }
        if (userName.length() > MAX_USER_NAME_LENGTH) {
            throw new MediameshException(ErrorCode.INVALID_USER_NAME,
                                         "user_name must have at most " + MAX_USER_NAME_LENGTH + " characters.");
        }
        if (!USER_NAME.matcher(userName).matches()) {
            throw new MediameshException(ErrorCode.INVALID_USER_NAME,
                                         "user_name may only contain letters, digits, '_', '.' and '-'.");
        }
        return userName;
    }

    /** A password: 8..128 characters; anything else is up to its owner. */
    public static String checkPassword(String password) {
        int length = password.codePointCount(0, password.length());
        if (length < MIN_PASSWORD_LENGTH || length > MAX_PASSWORD_LENGTH) {
            throw new MediameshException(ErrorCode.INVALID_PASSWORD, "pwd must have between " +
                                         MIN_PASSWORD_LENGTH + " and " + MAX_PASSWORD_LENGTH + " characters.");
        }
        return password;
    }
}
