package io.mediamesh.media.playback;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One byte range of a Range header (RFC 9110, section 14.1.2): {@code bytes=first-last},
 * {@code bytes=first-} or {@code bytes=-suffix}. A header this gateway does not serve as a range
 * (malformed, another unit, several ranges) yields nothing, and the whole file is sent: RFC 9110
 * lets a server ignore Range.
 *
 * @param first first byte, or -1 for a suffix range
 * @param last last byte (inclusive), or -1 for "to the end"
 * @param suffix length of a suffix range, or -1
 */
public record ByteRange(long first, long last, long suffix) {
    private static final Pattern SINGLE = Pattern.compile("\\s*bytes\\s*=\\s*(\\d*)\\s*-\\s*(\\d*)\\s*",
                                                          Pattern.CASE_INSENSITIVE);
    private static final int MAX_DIGITS = 18;

    public static Optional<ByteRange> parse(String header) {
        if (header == null) {
            return Optional.empty();
        }
        Matcher matcher = SINGLE.matcher(header);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        String first = matcher.group(1);
        String last = matcher.group(2);
        if (first.length() > MAX_DIGITS || last.length() > MAX_DIGITS) {
            return Optional.empty();
        }
        if (first.isEmpty()) {
            return last.isEmpty() ? Optional.empty() : Optional.of(new ByteRange(-1, -1, Long.parseLong(last)));
        }
        long from = Long.parseLong(first);
        if (last.isEmpty()) {
            return Optional.of(new ByteRange(from, -1, -1));
        }
        long to = Long.parseLong(last);
        return to < from ? Optional.empty() : Optional.of(new ByteRange(from, to, -1));
    }

    public boolean isSuffix() {
        return suffix >= 0;
    }

    /** Length asked for from {@link #first}, or 0 for "to the end" (as ReadVideoFileRequest has it). */
    public long length() {
        return last < 0 ? 0 : last - first + 1;
    }
}
