package io.mediamesh.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediamesh.api.v1.MediaServer;
import io.mediamesh.api.v1.ServerConfigState;
import io.mediamesh.gateway.http.Views;
import java.util.List;

/**
 * A media server as the REST API shows it. {@code overrides} and {@code endpoints} are the
 * proto's messages in JSON with snake_case names; {@code last_checked_at} is null until the
 * health check has seen the server.
 */
public record ServerView(long id, String name, String role, String publicAddress, String internalAddress,
                         String relayGroup, String agentEndpoint, boolean enabled, String status,
                         String statusMessage, String lastCheckedAt, JsonNode overrides, JsonNode endpoints,
                         List<ConfigStateView> configs, String createdAt, String updatedAt) {
    public static ServerView of(MediaServer server) {
        return new ServerView(server.getId(), server.getName(), AdminNames.role(server.getRole()),
                              server.getPublicAddress(), server.getInternalAddress(), server.getRelayGroup(),
                              server.getAgentEndpoint(), server.getEnabled(), AdminNames.status(server.getStatus()),
                              server.getStatusMessage(),
                              server.hasLastCheckedAt() ? Views.time(server.getLastCheckedAt()) : null,
                              ProtoViews.toJson(server.getOverrides()), ProtoViews.toJson(server.getEndpoints()),
                              server.getConfigsList().stream().map(ConfigStateView::of).toList(),
                              Views.time(server.getCreatedAt()), Views.time(server.getUpdatedAt()));
    }

    /** What was last recorded as active on the server for one kind. */
    public record ConfigStateView(String kind, String activeVersion, long revision, String activatedAt) {
        static ConfigStateView of(ServerConfigState state) {
            return new ConfigStateView(AdminNames.kind(state.getKind()), state.getActiveVersion(), state.getRevision(),
                                       Views.time(state.getActivatedAt()));
        }
    }
}
