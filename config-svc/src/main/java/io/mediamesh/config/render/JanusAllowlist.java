package io.mediamesh.config.render;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Janus's free-form lines may say. Each line is plain libconfig settings, {@code key = value}
 * with a string, number, boolean or array of them; at the end of janus.jcfg, where the lines sit at
 * the top level, one-line groups {@code name: { key = value; ... }}. Only the settings listed here
 * pass, so no line reaches a file or folder setting ({@code @include}, the {@code *_folder}
 * settings, certificate files) or opens a group the renderer writes. The folders Janus loads code
 * and reads files from are pinned: the renderer never writes {@code plugins_folder},
 * {@code transports_folder}, {@code events_folder}, {@code loggers_folder} or {@code configs_folder}
 * (Janus uses its installation's folders and the {@code -F} folder it is started with), rec_dir
 * comes from the document's field only, and {@link #PROTECTED_FOLDERS} are always protected.
 */
public final class JanusAllowlist {
    /** janus.jcfg's top-level groups the lines may add, with their settings. */
    static final Map<String, Set<String>> TOP_LEVEL = Map.of(
            "certificates", Set.of("dtls_accept_selfsigned", "dtls_ciphers", "rsa_private_key"));
    /** janus.transport.http.jcfg {@code general}. */
    static final Set<String> HTTP_GENERAL = Set.of("events", "json", "threads", "allow_origin", "enforce_cors",
                                                   "mhd_connection_limit", "mhd_debug");
    /** The plugins' {@code general} (videoroom, streaming, textroom). */
    static final Set<String> PLUGIN_GENERAL = Set.of("events");
    /** Settings only the renderer (or Janus's defaults) decides; a refusal says so. */
    static final Set<String> PINNED = Set.of("configs_folder", "plugins_folder", "transports_folder",
                                             "events_folder", "loggers_folder", "rec_dir", "protected_folders",
                                             "log_to_file", "pid_file", "cert_pem", "cert_key");
    /**
     * Folders Janus never records into, whatever the document adds: Janus's own list less /var
     * (recordings go below /var/lib) and its /opt/janus install folders.
     */
    public static final List<String> PROTECTED_FOLDERS = List.of("/bin", "/boot", "/dev", "/etc", "/initrd", "/lib",
                                                          "/lib32", "/lib64", "/proc", "/sbin", "/sys", "/usr");

    private static final Pattern TOKEN = Pattern.compile(
            "\\s*(?:(?<comment>(#|//).*)|(?<name>[A-Za-z*][-A-Za-z0-9_*]*)|(?<string>\"(?:\\\\.|[^\"\\\\])*\")" +
            "|(?<number>[-+]?[0-9.][A-Za-z0-9.+-]*)|(?<punct>[=:;,{}\\[\\]]))");

    private JanusAllowlist() {}

    /** Lines inside a {@code general} group whose settings must be among {@code allowed}. */
    static Optional<Refusal> checkSection(List<String> lines, Set<String> allowed) {
        for (int i = 0; i < lines.size(); i++) {
            try {
                Line line = new Line(i, lines.get(i));
                while (!line.atEnd()) {
                    Optional<Refusal> refused = line.setting(allowed);
                    if (refused.isPresent()) {
                        return refused;
                    }
                }
            } catch (Malformed e) {
                return Refusal.of(i, e.directive, e.getMessage());
            }
        }
        return Optional.empty();
    }

    /** Lines at the end of janus.jcfg: one-line groups of {@link #TOP_LEVEL}. */
    static Optional<Refusal> checkTopLevel(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            try {
                Line line = new Line(i, lines.get(i));
                while (!line.atEnd()) {
                    String group = line.name();
                    line.expect(":", "=");
                    line.expect("{");
                    Set<String> allowed = TOP_LEVEL.getOrDefault(group, Set.of());
                    boolean empty = true;
                    while (!line.peekIs("}")) {
                        empty = false;
                        Optional<Refusal> refused = line.setting(allowed);
                        if (refused.isPresent()) {
                            return refused;
                        }
                    }
                    line.expect("}");
                    line.skip(";", ",");
                    if (empty && !TOP_LEVEL.containsKey(group)) {
                        return Refusal.of(i, group, "extra lines of janus.jcfg may only add the groups " +
                                                    TOP_LEVEL.keySet() + '.');
                    }
                }
            } catch (Malformed e) {
                return Refusal.of(i, e.directive, e.getMessage());
            }
        }
        return Optional.empty();
    }

    private static final class Malformed extends Exception {
        private final String directive;

        Malformed(String directive, String message) {
            super(message, null, false, false);
            this.directive = directive;
        }
    }

    /** One line's tokens, comments left out. */
    private static final class Line {
        private final int index;
        private final List<String> tokens = new ArrayList<>();
        private int next;

        Line(int index, String text) throws Malformed {
            this.index = index;
            Matcher token = TOKEN.matcher(text);
            int at = 0;
            while (at < text.length()) {
                if (text.substring(at).isBlank()) {
                    break;
                }
                if (!token.find(at) || token.start() != at) {
                    throw new Malformed(text.substring(at).strip(), "extra lines hold plain settings only " +
                                                                    "(no @include, lists or /* comments).");
                }
                if (token.group("comment") == null) {
                    tokens.add(token.group().strip());
                }
                at = token.end();
            }
        }

        boolean atEnd() {
            return next == tokens.size();
        }

        boolean peekIs(String token) throws Malformed {
            if (atEnd()) {
                throw new Malformed(tokens.isEmpty() ? "" : tokens.get(0), "a group must close on its line.");
            }
            return tokens.get(next).equals(token);
        }

        String name() throws Malformed {
            String token = take();
            if (!Character.isLetter(token.charAt(0)) && token.charAt(0) != '*') {
                throw new Malformed(token, "a setting's name was expected.");
            }
            return token;
        }

        void expect(String... any) throws Malformed {
            String token = take();
            if (!List.of(any).contains(token)) {
                throw new Malformed(token, "expected " + String.join(" or ", any) + '.');
            }
        }

        void skip(String... any) {
            if (!atEnd() && List.of(any).contains(tokens.get(next))) {
                next++;
            }
        }

        /** {@code key = value} with an optional ';' or ','; refused when key is not allowed. */
        Optional<Refusal> setting(Set<String> allowed) throws Malformed {
            String key = name();
            if (!allowed.contains(key)) {
                return Refusal.of(index, key, PINNED.contains(key)
                        ? "set by the renderer only: Janus's folders, files and recordings folder are pinned."
                        : "not on the allowlist here " + new TreeSet<>(allowed) + '.');
            }
            expect("=", ":");
            if (peekIs("[")) {
                next++;
                while (!peekIs("]")) {
                    scalar(key);
                    skip(",");
                }
                next++;
            } else {
                scalar(key);
            }
            skip(";", ",");
            return Optional.empty();
        }

        private void scalar(String key) throws Malformed {
            String token = take();
            boolean ok = token.startsWith("\"") || Character.isDigit(token.charAt(0)) || token.charAt(0) == '-' ||
                         token.charAt(0) == '+' || token.charAt(0) == '.' || token.equalsIgnoreCase("true") ||
                         token.equalsIgnoreCase("false");
            if (!ok) {
                throw new Malformed(key, "takes a string, number or boolean (got " + token + ").");
            }
            // Adjacent strings are one string in libconfig.
            while (token.startsWith("\"") && !atEnd() && tokens.get(next).startsWith("\"")) {
                next++;
            }
        }

        private String take() throws Malformed {
            if (atEnd()) {
                throw new Malformed(tokens.isEmpty() ? "" : tokens.get(tokens.size() - 1), "the line ends early.");
            }
            return tokens.get(next++);
        }
    }
}
