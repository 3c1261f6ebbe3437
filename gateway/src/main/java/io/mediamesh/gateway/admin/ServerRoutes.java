package io.mediamesh.gateway.admin;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.annotation.Nullable;
import com.linecorp.armeria.server.annotation.Delete;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import com.linecorp.armeria.server.annotation.Put;
import io.mediamesh.api.v1.CreateServerRequest;
import io.mediamesh.api.v1.DeleteServerRequest;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.GetServerRequest;
import io.mediamesh.api.v1.ListServersRequest;
import io.mediamesh.api.v1.MediaServer;
import io.mediamesh.api.v1.ServerOverrides;
import io.mediamesh.api.v1.UpdateServerRequest;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.gateway.ConfigSvcClients;
import io.mediamesh.gateway.http.Calls;
import io.mediamesh.gateway.http.Envelope;
import io.mediamesh.gateway.http.JsonBody;
import io.mediamesh.gateway.http.PathParams;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The media-server registry: /api/admin/servers and /api/admin/servers/:id. Admin sessions only
 * (config-svc checks). A server's body is
 * {@code {name, role, public_address, internal_address, relay_group, agent_endpoint, enabled, overrides}};
 * {@code enabled} defaults to true and {@code overrides} (ports and folders of this server) to none.
 */
public final class ServerRoutes {
    private final ConfigSvcClients configSvc;

    public ServerRoutes(ConfigSvcClients configSvc) {
        this.configSvc = configSvc;
    }

    @Get("/admin/servers")
    public CompletableFuture<HttpResponse> list(RequestHeaders headers, @Param("role") @Nullable String role,
                                                @Param("relay_group") @Nullable String relayGroup,
                                                @Param("enabled") @Nullable String enabled,
                                                @Param("healthy") @Nullable String healthy,
                                                @Param("limit") @Nullable String limit,
                                                @Param("cursor") @Nullable String cursor) {
        ListServersRequest.Builder call = ListServersRequest.newBuilder()
                                                            .setRelayGroup(relayGroup == null ? "" : relayGroup)
                                                            .setLimit(PathParams.limit(limit))
                                                            .setCursor(cursor == null ? "" : cursor);
        if (role != null && !role.isEmpty()) {
            call.setRole(AdminNames.parseRole(role, ErrorCode.INVALID_REQUEST));
        }
        if (enabled != null && !enabled.isEmpty()) {
            call.setEnabled(flag(enabled, "enabled"));
        }
        if (healthy != null && !healthy.isEmpty()) {
            call.setHealthy(flag(healthy, "healthy"));
        }
        return Calls.as(headers, () -> configSvc.servers().listServers(call.build())).thenApply(response ->
                Envelope.ok(new ServerPage(response.getServersList().stream().map(ServerView::of).toList(),
                                           response.getNextCursor().isEmpty() ? null : response.getNextCursor())));
    }

    @Post("/admin/servers")
    public CompletableFuture<HttpResponse> create(RequestHeaders headers, AggregatedHttpRequest request) {
        CreateServerRequest call = CreateServerRequest.newBuilder().setServer(server(JsonBody.parse(request))).build();
        return Calls.as(headers, () -> configSvc.servers().createServer(call))
                    .thenApply(response -> Envelope.created(ServerView.of(response.getServer())));
    }

    @Get("/admin/servers/{id}")
    public CompletableFuture<HttpResponse> get(RequestHeaders headers, @Param("id") String id) {
        GetServerRequest call = GetServerRequest.newBuilder().setServerId(PathParams.id(id, "id")).build();
        return Calls.as(headers, () -> configSvc.servers().getServer(call))
                    .thenApply(response -> Envelope.ok(ServerView.of(response.getServer())));
    }

    @Put("/admin/servers/{id}")
    public CompletableFuture<HttpResponse> update(RequestHeaders headers, AggregatedHttpRequest request,
                                                  @Param("id") String id) {
        long serverId = PathParams.id(id, "id");
        UpdateServerRequest call = UpdateServerRequest.newBuilder().setServerId(serverId)
                                                      .setServer(server(JsonBody.parse(request))).build();
        return Calls.as(headers, () -> configSvc.servers().updateServer(call))
                    .thenApply(response -> Envelope.ok(ServerView.of(response.getServer())));
    }

    @Delete("/admin/servers/{id}")
    public CompletableFuture<HttpResponse> delete(RequestHeaders headers, @Param("id") String id) {
        DeleteServerRequest call = DeleteServerRequest.newBuilder().setServerId(PathParams.id(id, "id")).build();
        return Calls.as(headers, () -> configSvc.servers().deleteServer(call))
                    .thenApply(response -> HttpResponse.of(HttpStatus.NO_CONTENT));
    }

    /** A server's editable fields; config-svc checks them, the gateway only their JSON types. */
    private static MediaServer server(JsonBody body) {
        MediaServer.Builder server = MediaServer.newBuilder()
                .setName(body.requiredString("name"))
                .setRole(AdminNames.parseRole(body.requiredString("role"), ErrorCode.INVALID_SERVER))
                .setPublicAddress(body.requiredString("public_address"))
                .setInternalAddress(body.requiredString("internal_address"))
                .setRelayGroup(body.optionalString("relay_group").orElse(""))
                .setAgentEndpoint(body.requiredString("agent_endpoint"))
                .setEnabled(body.optionalBoolean("enabled").orElse(true));
        body.optionalObject("overrides").ifPresent(
                json -> server.setOverrides(ProtoViews.parse(json, ServerOverrides.newBuilder(), "overrides")));
        return server.build();
    }

    private static boolean flag(String raw, String name) {
        return switch (raw) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new MediameshException(ErrorCode.INVALID_REQUEST, name + " must be true or false.");
        };
    }

    record ServerPage(List<ServerView> servers, String nextCursor) {}
}
