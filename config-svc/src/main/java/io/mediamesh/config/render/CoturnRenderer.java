package io.mediamesh.config.render;

import io.mediamesh.api.v1.ConfigFile;
import io.mediamesh.api.v1.CoturnConfig;
import io.mediamesh.api.v1.PortRange;
import io.mediamesh.config.ConfigKinds;
import io.mediamesh.config.server.MediaServerRecord;
import java.util.List;
import java.util.Set;

/**
 * coturn's turnserver.conf for one server: it listens and relays on the server's internal address
 * and advertises its public one, on the server's ports. coturn wants IP addresses, not host names.
 */
final class CoturnRenderer {
    private CoturnRenderer() {}

    static ConfigFile render(CoturnConfig coturn, MediaServerRecord server) {
        RenderScope scope = new RenderScope("coturn", server);
        StringBuilder out = new StringBuilder();
        out.append("# Rendered by mediamesh config-svc for server ").append(server.name())
           .append("; the next apply replaces any edit.\n");
        Lines lines = new Lines(out, scope);

        lines.value("listening-port", scope.port("listening_port", Effective.coturnListeningPort(server, coturn)));
        int tlsPort = Effective.coturnTlsListeningPort(server, coturn);
        if (tlsPort != 0) {
            lines.value("tls-listening-port", scope.port("tls_listening_port", tlsPort));
        }
        ips(lines, scope, "listening-ip", "listening_ips", coturn.getListeningIpsList(), server.internalAddress(),
            "the server's internal address");
        ips(lines, scope, "relay-ip", "relay_ips", coturn.getRelayIpsList(), server.internalAddress(),
            "the server's internal address");
        lines.value("external-ip", externalIp(coturn, scope));

        PortRange relay = scope.range("min_port/max_port", Effective.coturnRelayPortRange(server, coturn));
        if (Effective.isSet(relay)) {
            lines.value("min-port", relay.getMin());
            lines.value("max-port", relay.getMax());
        }
        if (!coturn.getRealm().isEmpty()) {
            lines.value("realm", scope.token("realm", coturn.getRealm()));
        }
        if (coturn.getUseAuthSecret()) {
            if (coturn.getStaticAuthSecret().isEmpty()) {
                throw scope.fail("static_auth_secret", "is required when use_auth_secret is set.");
            }
            lines.flag("use-auth-secret", true);
            lines.value("static-auth-secret", scope.text("static_auth_secret", coturn.getStaticAuthSecret()));
        }
        lines.flag("fingerprint", coturn.getFingerprint());
        lines.flag("lt-cred-mech", coturn.getLtCredMech());
        lines.flag("no-tls", coturn.getNoTls());
        lines.flag("no-dtls", coturn.getNoDtls());
        lines.flag("no-cli", coturn.getNoCli());
        if (!coturn.getCert().isEmpty()) {
            lines.value("cert", scope.certificateFile("cert", coturn.getCert()));
        }
        if (!coturn.getPkey().isEmpty()) {
            lines.value("pkey", scope.certificateFile("pkey", coturn.getPkey()));
        }
        for (int i = 0; i < coturn.getDeniedPeerIpsCount(); i++) {
            lines.value("denied-peer-ip", scope.token("denied_peer_ips[" + i + ']', coturn.getDeniedPeerIps(i)));
        }
        for (int i = 0; i < coturn.getAllowedPeerIpsCount(); i++) {
            lines.value("allowed-peer-ip", scope.token("allowed_peer_ips[" + i + ']', coturn.getAllowedPeerIps(i)));
        }
        lines.value("log-file", coturn.getLogFile().isEmpty()
                                ? "stdout"
                                : scope.logFile("log_file", coturn.getLogFile(), "/var/log/coturn/",
                                                Set.of("stdout", "syslog")));
        lines.flag("verbose", coturn.getVerbose());
        if (coturn.getTotalQuota() != 0) {
            lines.value("total-quota", scope.atLeast("total_quota", coturn.getTotalQuota(), 1));
        }
        if (coturn.getUserQuota() != 0) {
            lines.value("user-quota", scope.atLeast("user_quota", coturn.getUserQuota(), 1));
        }
        List<String> extra = scope.lines("extra_lines", coturn.getExtraLinesList());
        var refused = CoturnAllowlist.check(extra);
        if (refused.isPresent()) {
            throw refused.get().toFailure(scope, "extra_lines");
        }
        if (!extra.isEmpty()) {
            out.append("# extra_lines\n");
            extra.forEach(line -> out.append(line).append('\n'));
        }
        return RenderedConfig.file(ConfigKinds.COTURN_FILE, out.toString());
    }

    /** The document's IPs, or the server's own address when it names none. */
    private static void ips(Lines lines, RenderScope scope, String key, String field, List<String> values,
                            String serverAddress, String source) {
        if (values.isEmpty()) {
            lines.value(key, scope.ip(field, serverAddress, source));
            return;
        }
        for (int i = 0; i < values.size(); i++) {
            lines.value(key, scope.ip(field + '[' + i + ']', values.get(i), "it"));
        }
    }

    /** "public/internal" tells coturn the NAT mapping; a server without NAT advertises its one address. */
    private static String externalIp(CoturnConfig coturn, RenderScope scope) {
        if (!coturn.getExternalIp().isEmpty()) {
            String[] parts = coturn.getExternalIp().split("/", -1);
            if (parts.length > 2) {
                throw scope.fail("external_ip", "must be IP or IP/IP.");
            }
            for (String part : parts) {
                scope.ip("external_ip", part, "it");
            }
            return coturn.getExternalIp();
        }
        MediaServerRecord server = scope.server();
        String publicIp = scope.ip("external_ip", server.publicAddress(), "the server's public address");
        if (server.publicAddress().equalsIgnoreCase(server.internalAddress())) {
            return publicIp;
        }
        return publicIp + '/' + scope.ip("external_ip", server.internalAddress(), "the server's internal address");
    }

    /** key=value lines. */
    private record Lines(StringBuilder out, RenderScope scope) {
        void value(String key, Object value) {
            out.append(key).append('=').append(value).append('\n');
        }

        void flag(String key, boolean set) {
            if (set) {
                out.append(key).append('\n');
            }
        }
    }
}
