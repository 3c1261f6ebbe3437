package io.mediamesh.config.render;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What nginx's free-form lines ({@code extra_lines}, inside the {@code server} block) may say. The
 * lines are read as nginx reads them (words, quotes, escapes, comments, blocks) and every directive
 * must be on the list: headers, redirects, timeouts, buffers, compression, access rules, TLS
 * protocol settings, and proxying to an upstream the document declares. Nothing on it reads a file
 * outside the server's prefix, loads code, runs a program, writes a log elsewhere or opens a
 * connection the document does not name: {@code include}, {@code load_module}, {@code *_log},
 * {@code auth_basic_user_file}, {@code ssl_certificate*}, {@code resolver}, {@code fastcgi_pass}
 * and the other {@code *_pass}, {@code autoindex}, {@code perl}/{@code js_*}... are refused. The
 * blocks are {@code location}, {@code if} and {@code limit_except}, and they must close within the
 * lines, so no line can leave the server block.
 */
final class NginxAllowlist {
    static final Set<String> BLOCKS = Set.of("location", "if", "limit_except");
    static final Set<String> DIRECTIVES = Set.of(
            // responses and headers
            "add_header", "add_trailers", "expires", "etag", "if_modified_since", "default_type", "charset",
            "return", "rewrite", "break", "set", "error_page", "recursive_error_pages", "internal",
            "absolute_redirect", "server_name_in_redirect", "port_in_redirect", "server_tokens", "log_not_found",
            "chunked_transfer_encoding", "max_ranges", "index",
            // files under the prefix's html/ folder only (see CONFINED)
            "root", "alias",
            // client limits and timeouts
            "client_max_body_size", "client_body_timeout", "client_header_timeout", "client_body_buffer_size",
            "client_header_buffer_size", "large_client_header_buffers", "keepalive_timeout", "keepalive_requests",
            "send_timeout", "reset_timedout_connection", "lingering_close", "lingering_time", "lingering_timeout",
            "ignore_invalid_headers", "underscores_in_headers", "limit_rate", "limit_rate_after",
            // transfer
            "sendfile", "tcp_nopush", "tcp_nodelay", "output_buffers", "postpone_output",
            "gzip", "gzip_types", "gzip_min_length", "gzip_comp_level", "gzip_vary", "gzip_proxied", "gzip_disable",
            "gzip_http_version",
            // access
            "allow", "deny", "satisfy",
            // TLS of this server (its certificate files are document fields)
            "ssl_protocols", "ssl_ciphers", "ssl_prefer_server_ciphers", "ssl_session_timeout", "ssl_session_cache",
            "ssl_session_tickets", "ssl_ecdh_curve",
            // proxying, to a declared upstream only (see proxy_pass below)
            "proxy_pass", "proxy_set_header", "proxy_http_version", "proxy_read_timeout", "proxy_send_timeout",
            "proxy_connect_timeout", "proxy_buffering", "proxy_request_buffering", "proxy_buffer_size",
            "proxy_buffers", "proxy_busy_buffers_size", "proxy_redirect", "proxy_hide_header", "proxy_pass_header",
            "proxy_ignore_headers", "proxy_next_upstream", "proxy_next_upstream_tries",
            "proxy_next_upstream_timeout", "proxy_intercept_errors");
    /** root and alias: a folder below the prefix's html/ (nginx resolves relative paths under its prefix). */
    private static final Pattern CONFINED = Pattern.compile("html(/[A-Za-z0-9_.-]+)*/?");
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final Pattern PROXY_TARGET = Pattern.compile("https?://([A-Za-z0-9_]+)(/[^$]*)?");
    private static final Pattern NAME = Pattern.compile("[a-z0-9_]+");

    private NginxAllowlist() {}

    /**
     * The first refused directive of {@code lines}, which go one after the other inside a server
     * block of a document declaring {@code upstreams}.
     */
    static Optional<Refusal> check(List<String> lines, Set<String> upstreams) {
        return new Reader(upstreams).read(lines);
    }

    /** nginx's tokenizer (ngx_conf_read_token) over the lines, checking each statement as it ends. */
    private static final class Reader {
        private final Set<String> upstreams;
        private final Deque<String> blocks = new ArrayDeque<>();
        private final List<String> words = new ArrayList<>();
        private final StringBuilder word = new StringBuilder();
        private int statementLine;

        Reader(Set<String> upstreams) {
            this.upstreams = upstreams;
        }

        Optional<Refusal> read(List<String> lines) {
            boolean lastSpace = true;
            boolean needSpace = false;
            boolean comment = false;
            boolean doubleQuoted = false;
            boolean singleQuoted = false;
            boolean escaped = false;
            boolean variable = false;
            for (int line = 0; line < lines.size(); line++) {
                String text = lines.get(line) + '\n';
                for (int i = 0; i < text.length(); i++) {
                    char ch = text.charAt(i);
                    if (comment) {
                        comment = ch != '\n';
                        continue;
                    }
                    if (escaped) {
                        // Kept with its backslash: names and checked arguments then never match.
                        escaped = false;
                        word.append('\\').append(ch);
                        continue;
                    }
                    if (needSpace) {
                        needSpace = false;
                        if (Character.isWhitespace(ch) || ch == ')') {
                            lastSpace = true;
                            continue;
                        }
                        if (ch != ';' && ch != '{') {
                            return Refusal.of(line, text.strip(), "unexpected \"" + ch + "\" after a quoted word.");
                        }
                        Optional<Refusal> refused = end(line, ch);
                        if (refused.isPresent()) {
                            return refused;
                        }
                        lastSpace = true;
                        continue;
                    }
                    if (lastSpace) {
                        if (Character.isWhitespace(ch)) {
                            continue;
                        }
                        if (words.isEmpty()) {
                            statementLine = line;
                        }
                        switch (ch) {
                            case ';', '{' -> {
                                if (words.isEmpty()) {
                                    return Refusal.of(line, String.valueOf(ch), "a statement needs a directive.");
                                }
                                Optional<Refusal> refused = end(line, ch);
                                if (refused.isPresent()) {
                                    return refused;
                                }
                            }
                            case '}' -> {
                                if (!words.isEmpty() || blocks.isEmpty()) {
                                    return Refusal.of(line, "}", "it would close a block the lines did not open.");
                                }
                                blocks.pop();
                            }
                            case '#' -> comment = true;
                            case '\\' -> {
                                escaped = true;
                                lastSpace = false;
                            }
                            case '"' -> {
                                doubleQuoted = true;
                                lastSpace = false;
                            }
                            case '\'' -> {
                                singleQuoted = true;
                                lastSpace = false;
                            }
                            default -> {
                                variable = ch == '$';
                                word.append(ch);
                                lastSpace = false;
                            }
                        }
                        continue;
                    }
                    if (ch == '{' && variable) {
                        word.append(ch);
                        continue;
                    }
                    variable = false;
                    if (ch == '\\') {
                        escaped = true;
                        continue;
                    }
                    if (ch == '$') {
                        variable = true;
                        word.append(ch);
                        continue;
                    }
                    boolean found = false;
                    if (doubleQuoted || singleQuoted) {
                        if (ch == (doubleQuoted ? '"' : '\'')) {
                            doubleQuoted = false;
                            singleQuoted = false;
                            needSpace = true;
                            found = true;
                        } else {
                            word.append(ch);
                        }
                    } else if (Character.isWhitespace(ch) || ch == ';' || ch == '{') {
                        lastSpace = true;
                        found = true;
                    } else {
                        word.append(ch);
                    }
                    if (found) {
                        words.add(word.toString());
                        word.setLength(0);
                        if (ch == ';' || ch == '{') {
                            Optional<Refusal> refused = end(line, ch);
                            if (refused.isPresent()) {
                                return refused;
                            }
                        }
                    }
                }
            }
            if (doubleQuoted || singleQuoted || !lastSpace || !words.isEmpty()) {
                return Refusal.of(statementLine, words.isEmpty() ? word.toString() : words.get(0),
                                  "the statement does not end (a ';' or a quote is missing).");
            }
            if (!blocks.isEmpty()) {
                return Refusal.of(lines.size() - 1, blocks.peek(), "the block is not closed within the lines.");
            }
            return Optional.empty();
        }

        /** A statement ended with ';' or opened a block with '{'. */
        private Optional<Refusal> end(int line, char terminator) {
            List<String> statement = List.copyOf(words);
            words.clear();
            String name = statement.get(0);
            Optional<Refusal> refused = terminator == '{' ? block(line, name) : directive(line, name, statement);
            if (refused.isEmpty() && terminator == '{') {
                blocks.push(name);
            }
            return refused;
        }

        private Optional<Refusal> block(int line, String name) {
            return BLOCKS.contains(name) ? Optional.empty()
                                         : Refusal.of(line, name, "extra lines may open only location, if and " +
                                                                  "limit_except blocks.");
        }

        private Optional<Refusal> directive(int line, String name, List<String> statement) {
            if (!NAME.matcher(name).matches() || !DIRECTIVES.contains(name)) {
                return Refusal.of(line, name, "not on the extra lines' allowlist of nginx directives (README: " +
                                              "\"What free-form lines may say\").");
            }
            List<String> args = statement.subList(1, statement.size());
            return switch (name) {
                case "root", "alias" -> args.size() == 1 && CONFINED.matcher(args.get(0)).matches() &&
                                        !List.of(args.get(0).split("/")).contains("..")
                                        ? Optional.empty()
                                        : Refusal.of(line, name, "takes one folder below the prefix's html/ " +
                                                                 "folder, such as html/static (no variables, no ..).");
                case "index" -> args.stream().allMatch(arg -> FILE_NAME.matcher(arg).matches())
                                ? Optional.empty()
                                : Refusal.of(line, name, "takes plain file names only.");
                case "proxy_pass" -> proxyPass(line, args);
                default -> Optional.empty();
            };
        }

        private Optional<Refusal> proxyPass(int line, List<String> args) {
            var target = args.size() == 1 ? PROXY_TARGET.matcher(args.get(0)) : null;
            if (target == null || !target.matches() || !upstreams.contains(target.group(1))) {
                return Refusal.of(line, "proxy_pass", "may only name an upstream of the document, as in " +
                                                      "http://<upstream name>/path (declared: " + upstreams + ").");
            }
            return Optional.empty();
        }
    }
}
