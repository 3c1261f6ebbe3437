package io.mediamesh.config.render;

import io.mediamesh.api.v1.ConfigFile;
import io.mediamesh.api.v1.JanusConfig;
import io.mediamesh.api.v1.NginxConfig;
import io.mediamesh.api.v1.NginxListen;
import io.mediamesh.api.v1.NginxUpstream;
import io.mediamesh.config.ConfigKinds;
import io.mediamesh.config.server.Addresses;
import io.mediamesh.config.server.MediaServerRecord;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * nginx.conf for one server: a complete file (as {@code nginx -t -c} needs) with one http server in
 * front of the server's Janus and its recordings. Relative paths (pid, logs, temp folders) resolve
 * under the prefix nginx is started with ({@code -p}), so each server's nginx keeps to its folder.
 */
final class NginxRenderer {
    private static final Pattern UPSTREAM_NAME = Pattern.compile("[A-Za-z0-9_]{1,64}");
    private static final Pattern SIZE = Pattern.compile("[0-9]{1,9}[kKmMgG]?");
    // Goes between double quotes in secure_link_md5, where '$' and '"' would mean something.
    private static final Pattern RECORDINGS_SECRET = Pattern.compile("[A-Za-z0-9_-]{16,128}");

    private NginxRenderer() {}

    static ConfigFile render(NginxConfig nginx, RenderTarget target) {
        MediaServerRecord server = target.server();
        RenderScope scope = new RenderScope("nginx", server);
        StringBuilder out = new StringBuilder();
        out.append("# Rendered by mediamesh config-svc for server ").append(server.name())
           .append("; the next apply replaces any edit.\n");
        out.append("worker_processes ").append(nginx.getWorkerProcesses() == 0 ? "auto"
                : String.valueOf(scope.atLeast("worker_processes", nginx.getWorkerProcesses(), 1))).append(";\n");
        out.append("pid logs/nginx.pid;\n");
        out.append("error_log ").append(log(scope, "error_log", nginx.getErrorLog(), "logs/error.log", "stderr")).append(";\n");
        out.append("\nevents {\n    worker_connections ").append(nginx.getWorkerConnections() == 0 ? 1024
                : scope.atLeast("worker_connections", nginx.getWorkerConnections(), 1)).append(";\n}\n");

        out.append("\nhttp {\n");
        out.append("    default_type application/octet-stream;\n");
        out.append("    access_log ").append(log(scope, "access_log", nginx.getAccessLog(), "logs/access.log", "off"))
           .append(";\n");
        // Under the prefix rather than the distribution's /var/lib/nginx, which needs root.
        for (String temp : List.of("client_body", "proxy", "fastcgi", "uwsgi", "scgi")) {
            out.append("    ").append(temp).append("_temp_path ").append(temp).append("_temp;\n");
        }
        out.append("    sendfile ").append(nginx.getSendfile() ? "on" : "off").append(";\n");
        if (!nginx.getClientMaxBodySize().isEmpty()) {
            if (!SIZE.matcher(nginx.getClientMaxBodySize()).matches()) {
                throw scope.fail("client_max_body_size", "must be a size such as 100m.");
            }
            out.append("    client_max_body_size ").append(nginx.getClientMaxBodySize()).append(";\n");
        }

        Set<String> upstreams = new HashSet<>();
        for (int i = 0; i < nginx.getUpstreamsCount(); i++) {
            upstreams.add(upstream(out, scope, "upstreams[" + i + ']', nginx.getUpstreams(i), target.roleJanus()));
        }

        out.append("\n    server {\n");
        listens(out, scope, nginx);
        out.append("        server_name ").append(nginx.getServerName().isEmpty()
                                                  ? scope.token("server_name", server.publicAddress())
                                                  : scope.token("server_name", nginx.getServerName()))
           .append(";\n");
        if (!nginx.getSslCertificate().isEmpty()) {
            out.append("        ssl_certificate ").append(scope.certificateFile("ssl_certificate", nginx.getSslCertificate()))
               .append(";\n");
        }
        if (!nginx.getSslCertificateKey().isEmpty()) {
            out.append("        ssl_certificate_key ")
               .append(scope.certificateFile("ssl_certificate_key", nginx.getSslCertificateKey())).append(";\n");
        }
        if (!nginx.getJanusLocation().isEmpty()) {
            String upstream = nginx.getJanusUpstream();
            if (!upstreams.contains(upstream)) {
                throw scope.fail("janus_upstream", "must name one of the upstreams (got \"" + upstream + "\").");
            }
            out.append("        location ").append(scope.path("janus_location", nginx.getJanusLocation()))
               .append(" {\n")
               .append("            proxy_pass http://").append(upstream).append(";\n")
               .append("            proxy_http_version 1.1;\n")
               .append("            proxy_set_header Connection \"\";\n")
               .append("            proxy_set_header Host $host;\n")
               .append("            proxy_read_timeout 90s;\n")
               .append("        }\n");
        }
        if (!nginx.getRecordingsLocation().isEmpty()) {
            recordings(out, scope, nginx, target.roleJanus());
        }
        List<String> extra = scope.lines("extra_lines", nginx.getExtraLinesList());
        var refused = NginxAllowlist.check(extra, upstreams);
        if (refused.isPresent()) {
            throw refused.get().toFailure(scope, "extra_lines");
        }
        if (!extra.isEmpty()) {
            out.append("        # extra_lines\n");
            extra.forEach(line -> out.append("        ").append(line).append('\n'));
        }
        out.append("    }\n}\n");
        return RenderedConfig.file(ConfigKinds.NGINX_FILE, out.toString());
    }

    private static String upstream(StringBuilder out, RenderScope scope, String field, NginxUpstream upstream,
                                   JanusConfig janus) {
        if (!UPSTREAM_NAME.matcher(upstream.getName()).matches()) {
            throw scope.fail(field + ".name", "must be 1 to 64 characters of A-Z, a-z, 0-9 and '_'.");
        }
        out.append("\n    upstream ").append(upstream.getName()).append(" {\n");
        if (upstream.getServersCount() == 0) {
            // This server's own Janus HTTP API.
            MediaServerRecord server = scope.server();
            out.append("        server ").append(Addresses.forUrl(server.internalAddress())).append(':')
               .append(scope.port("janus http port", Effective.janusHttpPort(server, janus))).append(";\n");
        }
        for (int i = 0; i < upstream.getServersCount(); i++) {
            out.append("        server ").append(scope.endpoint(field + ".servers[" + i + ']', upstream.getServers(i)))
               .append(";\n");
        }
        if (upstream.getKeepalive() != 0) {
            out.append("        keepalive ").append(scope.atLeast(field + ".keepalive", upstream.getKeepalive(), 1))
               .append(";\n");
        }
        out.append("    }\n");
        return upstream.getName();
    }

    /** The document's listen directives; the server's override replaces the first one's port. */
    private static void listens(StringBuilder out, RenderScope scope, NginxConfig nginx) {
        int override = scope.server().overrides().getNginxListenPort();
        List<NginxListen> listens = nginx.getListenList();
        if (listens.isEmpty()) {
            if (override == 0) {
                throw scope.fail("listen", "needs at least one entry (or the server's nginx_listen_port).");
            }
            listens = List.of(NginxListen.newBuilder().setPort(override).build());
        }
        boolean ssl = false;
        for (int i = 0; i < listens.size(); i++) {
            NginxListen listen = listens.get(i);
            String field = "listen[" + i + ']';
            int port = scope.port(field + ".port", i == 0 && override != 0 ? override : listen.getPort());
            out.append("        listen ");
            if (!listen.getAddress().isEmpty()) {
                String address = listen.getAddress();
                if (!Addresses.isIpLiteral(address) && !Addresses.isHostName(address)) {
                    throw scope.fail(field + ".address", "must be an IP address or a host name.");
                }
                out.append(Addresses.forUrl(address)).append(':');
            }
            out.append(port);
            if (listen.getSsl()) {
                out.append(" ssl");
                ssl = true;
            }
            if (listen.getHttp2()) {
                out.append(" http2");
            }
            out.append(";\n");
        }
        if (ssl && (nginx.getSslCertificate().isEmpty() || nginx.getSslCertificateKey().isEmpty())) {
            throw scope.fail("ssl_certificate", "and ssl_certificate_key are required by a listen with ssl.");
        }
    }

    private static void recordings(StringBuilder out, RenderScope scope, NginxConfig nginx, JanusConfig janus) {
        String location = scope.path("recordings_location", nginx.getRecordingsLocation());
        String root = nginx.getRecordingsRoot().isEmpty() ? Effective.recDir(scope.server(), janus)
                                                          : nginx.getRecordingsRoot();
        if (root.isEmpty()) {
            throw scope.fail("recordings_root", "is empty, and neither the server's janus_rec_dir nor the " +
                                                "role's videoroom.rec_dir names a folder.");
        }
        scope.dataFolder("recordings_root", root);
        // alias maps the location onto the folder; both end in '/' or neither does.
        String alias = location.endsWith("/") && !root.endsWith("/") ? root + '/' : root;
        String secret = nginx.getRecordingsSecret();
        if (!RECORDINGS_SECRET.matcher(secret).matches()) {
            throw scope.fail("recordings_secret", "must be 16 to 128 characters of A-Z, a-z, 0-9, '-' and '_' " +
                                                  "when recordings_location is set: every recording link is " +
                                                  "signed with it.");
        }
        // Only links signed by media-svc (for a room's owner or an admin) and not yet expired pass:
        // "" is a wrong or missing signature, "0" an expired one; both are 403, as for any stranger.
        out.append("        location ").append(location).append(" {\n")
           .append("            alias ").append(alias).append(";\n")
           .append("            secure_link $arg_md5,$arg_expires;\n")
           .append("            secure_link_md5 \"$secure_link_expires$uri ").append(secret).append("\";\n")
           .append("            if ($secure_link = \"\") {\n                return 403;\n            }\n")
           .append("            if ($secure_link = \"0\") {\n                return 403;\n            }\n");
        if (nginx.getRecordingsAutoindex()) {
            out.append("            autoindex on;\n")
               .append("            autoindex_format json;\n");
        }
        out.append("        }\n");
    }

    /** A log file, or the word that sends the log elsewhere than a file. */
    private static String log(RenderScope scope, String field, String value, String fallback, String word) {
        return value.isEmpty() ? fallback : scope.logFile(field, value, "/var/log/nginx/", Set.of(word));
    }
}
