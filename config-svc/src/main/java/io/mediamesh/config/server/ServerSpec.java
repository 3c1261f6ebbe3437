package io.mediamesh.config.server;

import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.MediaServer;
import io.mediamesh.api.v1.MediaServerRole;
import io.mediamesh.api.v1.PortRange;
import io.mediamesh.api.v1.ServerOverrides;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.config.ServerRoles;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A media server's editable fields, checked: what CreateServer and UpdateServer store.
 *
 * @param overrides per-server ports and folders; 0 / empty = the role document's value
 */
public record ServerSpec(String name, MediaServerRole role, String publicAddress, String internalAddress,
                         String relayGroup, String agentEndpoint, boolean enabled, ServerOverrides overrides) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    /** Rendered into Janus and nginx files unquoted-safe: an absolute path of plain characters. */
    private static final Pattern FOLDER = Pattern.compile("/[A-Za-z0-9_./-]{0,254}");

    /** Checks the editable fields of {@code server}; output-only fields are ignored. */
    public static ServerSpec check(MediaServer server) {
        String name = checkName(server.getName(), "name");
        MediaServerRole role = checkRole(server.getRole());
        String publicAddress = Addresses.checkAddress(server.getPublicAddress(), "public_address");
        String internalAddress = Addresses.checkAddress(server.getInternalAddress(), "internal_address");
        String relayGroup = server.getRelayGroup();
        if (role == MediaServerRole.MEDIA_SERVER_ROLE_ORIGIN) {
            if (!relayGroup.isEmpty()) {
                throw invalid("An origin belongs to no relay group: leave relay_group empty.");
            }
        } else {
            if (relayGroup.isEmpty()) {
                throw invalid("relay_group is required for a " + ServerRoles.name(role) + '.');
            }
            checkName(relayGroup, "relay_group");
        }
        String agentEndpoint = Addresses.checkEndpoint(server.getAgentEndpoint(), "agent_endpoint");
        return new ServerSpec(name, role, publicAddress, internalAddress, relayGroup, agentEndpoint,
                              server.getEnabled(), checkOverrides(server.getOverrides()));
    }

    /**
     * The overrides' listening ports: with an address, what two servers may not share. Servers of
     * one host (the loopback demo) tell themselves apart by these.
     */
    public String portKey() {
        return overrides.getJanusHttpPort() + "/" + overrides.getJanusAdminPort() + '/' +
               overrides.getCoturnListeningPort() + '/' + overrides.getCoturnTlsListeningPort() + '/' +
               overrides.getNginxListenPort();
    }

    private static String checkName(String value, String field) {
        if (value.isEmpty()) {
            throw new MediameshException(ErrorCode.MISSING_FIELD, field + " is required.");
        }
        if (!NAME.matcher(value).matches()) {
            throw invalid(field + " must be 1 to 64 characters of A-Z, a-z, 0-9, '_', '.' and '-'.");
        }
        return value;
    }

    private static MediaServerRole checkRole(MediaServerRole role) {
        if (role == MediaServerRole.MEDIA_SERVER_ROLE_UNSPECIFIED) {
            throw new MediameshException(ErrorCode.MISSING_FIELD, "role is required.");
        }
        if (!ServerRoles.ALL.contains(role)) {
            throw invalid("role must be origin, relay or edge.");
        }
        return role;
    }

    private static ServerOverrides checkOverrides(ServerOverrides overrides) {
        Map<Integer, String> listening = new HashMap<>();
        checkPort(overrides.getJanusHttpPort(), "overrides.janus_http_port", listening);
        checkPort(overrides.getJanusAdminPort(), "overrides.janus_admin_port", listening);
        checkPort(overrides.getCoturnListeningPort(), "overrides.coturn_listening_port", listening);
        checkPort(overrides.getCoturnTlsListeningPort(), "overrides.coturn_tls_listening_port", listening);
        checkPort(overrides.getNginxListenPort(), "overrides.nginx_listen_port", listening);
        checkRange(overrides.getJanusRtpPortRange(), "overrides.janus_rtp_port_range");
        checkRange(overrides.getStreamingRtpPortRange(), "overrides.streaming_rtp_port_range");
        checkRange(overrides.getCoturnRelayPortRange(), "overrides.coturn_relay_port_range");
        String recDir = overrides.getJanusRecDir();
        if (!recDir.isEmpty() && (!FOLDER.matcher(recDir).matches() || recDir.contains(".."))) {
            throw invalid("overrides.janus_rec_dir must be an absolute path of A-Z, a-z, 0-9, '_', '.', '-' " +
                          "and '/', without \"..\".");
        }
        return overrides;
    }

    /** A port of 0 (the role's) or 1..65535, not used twice by one server. */
    private static void checkPort(int port, String field, Map<Integer, String> taken) {
        if (port < 0 || port > 65535) {
            throw invalid(field + " must be between 1 and 65535 (0 = the role's).");
        }
        if (port != 0) {
            String other = taken.putIfAbsent(port, field);
            if (other != null) {
                throw invalid(field + " and " + other + " are both " + port + '.');
            }
        }
    }

    private static void checkRange(PortRange range, String field) {
        boolean unset = range.getMin() == 0 && range.getMax() == 0;
        if (!unset && (range.getMin() < 1 || range.getMin() > range.getMax() || range.getMax() > 65535)) {
            throw invalid(field + " must have 1 <= min <= max <= 65535 (both 0 = the role's).");
        }
    }

    private static MediameshException invalid(String message) {
        return new MediameshException(ErrorCode.INVALID_SERVER, message);
    }
}
