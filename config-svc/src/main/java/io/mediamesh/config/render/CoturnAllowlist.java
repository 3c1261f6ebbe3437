package io.mediamesh.config.render;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What coturn's free-form lines may say: relay and allocation limits, protocol switches, peer
 * rules, TLS protocol choices and logging detail. Options that open database or network
 * connections or listeners of their own ({@code *-userdb}, {@code userdb}, {@code redis-statsdb},
 * {@code prometheus}, {@code web-admin}, {@code cli-*}, {@code aux-server}, {@code alternate-server}),
 * read files ({@code cert}, {@code pkey}, {@code dh-file}, {@code CA-file}; certificate files are
 * document fields), change the process ({@code proc-user}, {@code pidfile}, {@code daemon}), add
 * credentials ({@code user}, {@code static-auth-secret}, {@code no-auth}), open peers
 * ({@code allowed-peer-ip}: a document field, so that it shows) or move the listening and relay
 * addresses the renderer sets are refused.
 */
public final class CoturnAllowlist {
    static final Set<String> OPTIONS = Set.of(
            // limits
            "max-bps", "bps-capacity", "total-quota", "user-quota", "max-allocate-lifetime", "channel-lifetime",
            "permission-lifetime", "max-allocate-timeout", "stale-nonce",
            // protocols
            "no-udp", "no-tcp", "no-tls", "no-dtls", "no-udp-relay", "no-tcp-relay", "no-stun", "stun-only",
            "secure-stun", "mobility", "no-rfc5780", "no-stun-backward-compatibility",
            "response-origin-only-with-rfc5780", "allocation-default-address-family", "keep-address-family",
            "check-origin-consistency", "no-software-attribute", "fingerprint", "no-multicast-peers",
            "no-loopback-peers", "denied-peer-ip", "server-name",
            // TLS protocol choices (the files are document fields)
            "cipher-list", "ec-curve-name", "no-tlsv1", "no-tlsv1_1", "no-tlsv1_2",
            // logging detail (where it goes is the document's log_file)
            "verbose", "log-binding", "simple-log", "new-log-timestamp", "new-log-timestamp-format",
            "no-stdout-log");

    private CoturnAllowlist() {}

    /** The first refused option of {@code lines}. */
    static Optional<Refusal> check(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i).strip();
            String key = key(text);
            if (!(text.isEmpty() || text.startsWith("#")) && !OPTIONS.contains(key)) {
                return Refusal.of(i, key.isEmpty() ? text : key, "not on the extra lines' allowlist of coturn " +
                                                                  "options (README: \"What free-form lines may say\").");
            }
        }
        return Optional.empty();
    }

    /** "key=value", "key value" or "--key" -> "key", lower case; "" for comments and blank lines. */
    public static String key(String line) {
        String text = line.strip();
        if (text.isEmpty() || text.startsWith("#")) {
            return "";
        }
        if (text.startsWith("--")) {
            text = text.substring(2);
        }
        int end = 0;
        while (end < text.length() && text.charAt(end) != '=' && !Character.isWhitespace(text.charAt(end))) {
            end++;
        }
        return text.substring(0, end).toLowerCase(Locale.ROOT);
    }
}
