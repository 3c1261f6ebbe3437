package io.mediamesh.config.server;

import com.google.common.net.InetAddresses;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.error.MediameshException;
import java.util.regex.Pattern;

/** Addresses as the registry accepts them: an IPv4 or IPv6 literal, or a host name (RFC 1123). */
public final class Addresses {
    private static final int MAX_HOST_NAME = 253;
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern NUMERIC = Pattern.compile("[0-9]+");

    private Addresses() {}

    /** An IPv4 or IPv6 literal, without brackets or zone. */
    public static boolean isIpLiteral(String value) {
        return !value.contains("%") && InetAddresses.isInetAddress(value);
    }

    /** A DNS host name. Its last label is not all digits, so a malformed IPv4 is never taken for one. */
    public static boolean isHostName(String value) {
        if (value.isEmpty() || value.length() > MAX_HOST_NAME) {
            return false;
        }
        String[] labels = value.split("\\.", -1);
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return !NUMERIC.matcher(labels[labels.length - 1]).matches();
    }

    /** An address without port: MISSING_FIELD when empty, INVALID_ADDRESS when not an IP or host name. */
    public static String checkAddress(String value, String field) {
        if (value.isEmpty()) {
            throw new MediameshException(ErrorCode.MISSING_FIELD, field + " is required.");
        }
        if (!isIpLiteral(value) && !isHostName(value)) {
            throw new MediameshException(ErrorCode.INVALID_ADDRESS,
                                         field + " must be an IPv4 or IPv6 address or a host name, not \"" +
                                         abbreviate(value) + "\".");
        }
        return value;
    }

    /** host:port, with an IPv6 host in brackets: MISSING_FIELD when empty, INVALID_ADDRESS otherwise. */
    public static String checkEndpoint(String value, String field) {
        if (value.isEmpty()) {
            throw new MediameshException(ErrorCode.MISSING_FIELD, field + " is required.");
        }
        int colon = value.lastIndexOf(':');
        if (colon > 0 && colon < value.length() - 1) {
            String host = value.substring(0, colon);
            boolean hostOk = host.startsWith("[") && host.endsWith("]")
                             ? host.indexOf(':') > 0 && isIpLiteral(host.substring(1, host.length() - 1))
                             : !host.contains(":") && (isIpLiteral(host) || isHostName(host));
            if (hostOk && isPort(value.substring(colon + 1))) {
                return value;
            }
        }
        throw new MediameshException(ErrorCode.INVALID_ADDRESS,
                                     field + " must be host:port (an IPv6 host in brackets), not \"" +
                                     abbreviate(value) + "\".");
    }

    /** The address as the host part of a URL or host:port (IPv6 in brackets). */
    public static String forUrl(String address) {
        return address.contains(":") ? '[' + address + ']' : address;
    }

    private static boolean isPort(String digits) {
        if (digits.isEmpty() || digits.length() > 5 || !NUMERIC.matcher(digits).matches()) {
            return false;
        }
        int port = Integer.parseInt(digits);
        return port >= 1 && port <= 65535;
    }

    private static String abbreviate(String value) {
        return value.length() <= 64 ? value : value.substring(0, 64) + "...";
    }
}
