package io.mediamesh.launcher.plane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A server of the plane in the registry, as the admin API takes it: its addresses, its agent, and the
 * overrides of its ports and folders that let four servers share one host. Registered once, updated
 * after (the registry keeps the servers across runs).
 */
public final class ServerRegistration {
    private static final String SERVERS = "/api/admin/servers";
    private static final String LOOPBACK = "127.0.0.1";

    private ServerRegistration() {}

    /** Registers {@code server}, or updates the server of that name. */
    public static void register(AdminApi api, PlaneServer server, PlanePorts ports, ServerFolder folder)
            throws IOException, InterruptedException {
        ObjectNode body = json(server, ports, folder.recordings());
        for (JsonNode registered : api.get(SERVERS + "?limit=500").at("/response/servers")) {
            if (registered.path("name").asText().equals(server.name())) {
                api.put(SERVERS + "/" + registered.path("id").asText(), body);
                return;
            }
        }
        api.post(SERVERS, body);
    }

    static ObjectNode json(PlaneServer server, PlanePorts ports, Path recordings) {
        ObjectNode json = AdminApi.JSON.createObjectNode().put("name", server.name()).put("role", server.role())
                                       .put("public_address", LOOPBACK).put("internal_address", LOOPBACK)
                                       .put("relay_group", server.relayGroup())
                                       .put("agent_endpoint", LOOPBACK + ":" + ports.agent()).put("enabled", true);
        ObjectNode overrides = json.putObject("overrides").put("janus_http_port", ports.janusHttp())
                                   .put("janus_admin_port", ports.janusAdmin())
                                   .put("nginx_listen_port", ports.nginx())
                                   .put("coturn_listening_port", ports.coturn());
        range(overrides, "janus_rtp_port_range", ports.rtpBase());
        range(overrides, "streaming_rtp_port_range", ports.streamingBase());
        range(overrides, "coturn_relay_port_range", ports.relayBase());
        overrides.put("janus_rec_dir", recordings.toString());
        return json;
    }

    private static void range(ObjectNode overrides, String name, int base) {
        overrides.putObject(name).put("min", base).put("max", PlanePorts.last(base));
    }
}
