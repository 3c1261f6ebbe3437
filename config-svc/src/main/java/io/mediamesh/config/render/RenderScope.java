package io.mediamesh.config.render;

import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.PortRange;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.config.server.Addresses;
import io.mediamesh.config.server.MediaServerRecord;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks of document values while rendering one kind for one server. A failure is
 * CONFIG_RENDER_FAILED naming the kind, the server and the field.
 */
final class RenderScope {
    /** Names, paths and locations that go into files unquoted. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_./:-]+");
    /** Where servers keep certificates besides their own folder. */
    private static final List<String> CERTIFICATE_FOLDERS = List.of("/etc/ssl/", "/etc/letsencrypt/");

    private final String kind;
    private final MediaServerRecord server;

    RenderScope(String kind, MediaServerRecord server) {
        this.kind = kind;
        this.server = server;
    }

    MediaServerRecord server() {
        return server;
    }

    MediameshException fail(String field, String problem) {
        return new MediameshException(ErrorCode.CONFIG_RENDER_FAILED,
                                      "Cannot render " + kind + " for server " + server.name() + ": " + field + ' ' +
                                      problem);
    }

    /** Free text that goes into one line of a file: no line breaks or other control characters. */
    String text(String field, String value) {
        if (value.codePoints().anyMatch(Character::isISOControl)) {
            throw fail(field, "must not contain line breaks or other control characters.");
        }
        return value;
    }

    /** A name, path or location written unquoted: A-Z a-z 0-9 _ . / : - only. */
    String token(String field, String value) {
        if (!TOKEN.matcher(value).matches()) {
            throw fail(field, "must be made of A-Z, a-z, 0-9, '_', '.', '/', ':' and '-' (got \"" +
                              abbreviate(value) + "\").");
        }
        return value;
    }

    /** A URL path such as a location or base path. */
    String path(String field, String value) {
        if (!value.startsWith("/")) {
            throw fail(field, "must start with '/' (got \"" + abbreviate(value) + "\").");
        }
        return token(field, value);
    }

    /**
     * A file the tool writes (a log): relative to the folder the tool runs in, or below
     * {@code logFolder} (the tool's folder in /var/log), never elsewhere; {@code words} are the
     * tool's own non-file values (stderr, off, syslog...).
     */
    String logFile(String field, String value, String logFolder, Set<String> words) {
        if (words.contains(value)) {
            return value;
        }
        return confinedFile(field, value, List.of(logFolder));
    }

    /** A certificate or key the tool reads: relative to its folder, or below /etc/ssl/ or /etc/letsencrypt/. */
    String certificateFile(String field, String value) {
        return confinedFile(field, value, CERTIFICATE_FOLDERS);
    }

    /**
     * A folder of data the tool writes or serves (recordings): absolute, without "..", neither
     * the root nor inside a system folder.
     */
    String dataFolder(String field, String value) {
        path(field, value);
        if (hasParentStep(value)) {
            throw fail(field, "must not contain \"..\" (got \"" + abbreviate(value) + "\").");
        }
        if (value.replace("/", "").isEmpty()) {
            throw fail(field, "must not be the root folder.");
        }
        for (String folder : JanusAllowlist.PROTECTED_FOLDERS) {
            if (value.equals(folder) || value.startsWith(folder + '/')) {
                throw fail(field, "must not be inside the protected folder " + folder + " (got \"" + value + "\").");
            }
        }
        return value;
    }

    private String confinedFile(String field, String value, List<String> absoluteFolders) {
        token(field, value);
        if (hasParentStep(value)) {
            throw fail(field, "must not contain \"..\" (got \"" + abbreviate(value) + "\").");
        }
        if (value.startsWith("/") && absoluteFolders.stream().noneMatch(value::startsWith)) {
            throw fail(field, "must be a path relative to the server's own folder or below " +
                              String.join(" or ", absoluteFolders) + " (got \"" + abbreviate(value) + "\").");
        }
        return value;
    }

    private static boolean hasParentStep(String path) {
        return List.of(path.split("/")).contains("..");
    }

    int port(String field, int port) {
        if (port < 1 || port > 65535) {
            throw fail(field, "must be between 1 and 65535 (got " + port + ").");
        }
        return port;
    }

    /** A range that is either unset (both 0) or 1 <= min <= max <= 65535. */
    PortRange range(String field, PortRange range) {
        boolean unset = range.getMin() == 0 && range.getMax() == 0;
        if (!unset && (range.getMin() < 1 || range.getMin() > range.getMax() || range.getMax() > 65535)) {
            throw fail(field, "must have 1 <= min <= max <= 65535 (got " + range.getMin() + '-' + range.getMax() +
                              ").");
        }
        return range;
    }

    int atLeast(String field, int value, int min) {
        if (value < min) {
            throw fail(field, "must be at least " + min + " (got " + value + ").");
        }
        return value;
    }

    /**
     * An IP literal the tool needs where a host name will not do. {@code source} says where the
     * value came from when it was not written in the document.
     */
    String ip(String field, String value, String source) {
        if (!Addresses.isIpLiteral(value)) {
            throw fail(field, "must be an IP address, and " + source + " is \"" + abbreviate(value) +
                              "\"; set " + field + " in the document.");
        }
        return value;
    }

    /** host:port, or IP:port with an IPv6 address in brackets. */
    String endpoint(String field, String value) {
        int colon = value.lastIndexOf(':');
        String host = colon > 0 ? value.substring(0, colon) : "";
        boolean hostOk = host.startsWith("[") && host.endsWith("]")
                         ? Addresses.isIpLiteral(host.substring(1, host.length() - 1))
                         : !host.contains(":") && (Addresses.isIpLiteral(host) || Addresses.isHostName(host));
        if (!hostOk) {
            throw fail(field, "must be host:port (got \"" + abbreviate(value) + "\").");
        }
        try {
            port(field, Integer.parseInt(value.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw fail(field, "must be host:port (got \"" + abbreviate(value) + "\").");
        }
        return value;
    }

    /** Free-form lines, each checked as one line of text. */
    List<String> lines(String field, List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            text(field + '[' + i + ']', lines.get(i));
        }
        return lines;
    }

    private static String abbreviate(String value) {
        return value.length() <= 64 ? value : value.substring(0, 64) + "...";
    }
}
