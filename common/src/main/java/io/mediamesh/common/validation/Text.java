package io.mediamesh.common.validation;

import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.error.MediameshException;

/** Checks for free text that people type: names, descriptions, comments. */
public final class Text {
    private Text() {}

    /**
     * Returns {@code value} unchanged if it has between {@code min} and {@code max} characters
     * (Unicode code points, so an emoji counts as one) and no control characters other than
     * newline and tab when {@code multiline}; otherwise fails with {@code error}.
     */
    public static String check(String value, String field, int min, int max, boolean multiline, ErrorCode error) {
        int length = value.codePointCount(0, value.length());
        if (length < min) {
            throw new MediameshException(error, min == 1 ? field + " must not be empty."
                                                         : field + " must have at least " + min + " characters.");
        }
        if (length > max) {
            throw new MediameshException(error, field + " must have at most " + max + " characters.");
        }
        boolean hasControl = value.codePoints().anyMatch(
                c -> Character.isISOControl(c) && !(multiline && (c == '\n' || c == '\t' || c == '\r')));
        if (hasControl || value.codePoints().anyMatch(c -> Character.getType(c) == Character.SURROGATE)) {
            throw new MediameshException(error, field + " contains characters that are not allowed.");
        }
        return value;
    }

    /** An id from a request: positive, else INVALID_ID. */
    public static long checkId(long id, String field) {
        if (id <= 0) {
            throw new MediameshException(ErrorCode.INVALID_ID, field + " must be a positive integer.");
        }
        return id;
    }
}
