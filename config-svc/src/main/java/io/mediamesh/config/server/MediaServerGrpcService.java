package io.mediamesh.config.server;

import io.grpc.stub.StreamObserver;
import io.mediamesh.api.v1.CreateServerRequest;
import io.mediamesh.api.v1.CreateServerResponse;
import io.mediamesh.api.v1.DeleteServerRequest;
import io.mediamesh.api.v1.DeleteServerResponse;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.GetServerRequest;
import io.mediamesh.api.v1.GetServerResponse;
import io.mediamesh.api.v1.ListServersRequest;
import io.mediamesh.api.v1.ListServersResponse;
import io.mediamesh.api.v1.MediaServer;
import io.mediamesh.api.v1.MediaServerEndpoints;
import io.mediamesh.api.v1.MediaServerRole;
import io.mediamesh.api.v1.MediaServerServiceGrpc;
import io.mediamesh.api.v1.UpdateServerRequest;
import io.mediamesh.api.v1.UpdateServerResponse;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.common.paging.Page;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.validation.Text;
import io.mediamesh.config.ServerRoles;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** MediaServerService over gRPC: the registry. Runs on the blocking executor. */
public final class MediaServerGrpcService extends MediaServerServiceGrpc.MediaServerServiceImplBase {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 500;

    private static final Logger logger = LoggerFactory.getLogger(MediaServerGrpcService.class);

    private final MediaServerRepository servers;
    private final EndpointResolver endpoints;
    private final Callers callers;
    private final Clock clock;
    private final LongPredicate applying;

    /** @param applying whether a running apply works on a server (which may then not be deleted) */
    public MediaServerGrpcService(MediaServerRepository servers, EndpointResolver endpoints, Callers callers,
                                  Clock clock, LongPredicate applying) {
        this.servers = servers;
        this.applying = applying;
        this.endpoints = endpoints;
        this.callers = callers;
        this.clock = clock;
    }

    @Override
    public void createServer(CreateServerRequest request, StreamObserver<CreateServerResponse> response) {
        String admin = callers.requireAdmin().getUserName();
        MediaServerRecord server = servers.insert(ServerSpec.check(request.getServer()), clock.instant());
        logger.info("{} registered media server {} (id {}, {})", admin, server.name(), server.id(),
                    ServerRoles.name(server.role()));
        response.onNext(CreateServerResponse.newBuilder().setServer(toProto(server)).build());
        response.onCompleted();
    }

    @Override
    public void listServers(ListServersRequest request, StreamObserver<ListServersResponse> response) {
        callers.requireServiceOrAdmin(Set.of(Identity.MEDIA_SVC));
        MediaServerRole role = request.getRole();
        if (role != MediaServerRole.MEDIA_SERVER_ROLE_UNSPECIFIED && !ServerRoles.ALL.contains(role)) {
            throw new MediameshException(ErrorCode.INVALID_REQUEST, "role must be origin, relay or edge.");
        }
        ServerFilter filter = new ServerFilter(
                role, request.getRelayGroup(),
                request.hasEnabled() ? Optional.of(request.getEnabled()) : Optional.empty(),
                request.hasHealthy() ? Optional.of(request.getHealthy()) : Optional.empty());
        Page.Result<MediaServerRecord> page =
                servers.page(filter, Page.of(request.getLimit(), request.getCursor(), DEFAULT_LIMIT, MAX_LIMIT));
        Function<MediaServerRecord, MediaServerEndpoints> resolver = endpoints.forRequest();
        ListServersResponse.Builder out = ListServersResponse.newBuilder().setNextCursor(page.nextCursor());
        page.rows().forEach(server -> out.addServers(server.toProto(resolver.apply(server))));
        response.onNext(out.build());
        response.onCompleted();
    }

    @Override
    public void getServer(GetServerRequest request, StreamObserver<GetServerResponse> response) {
        callers.requireServiceOrAdmin(Set.of(Identity.MEDIA_SVC));
        response.onNext(GetServerResponse.newBuilder().setServer(toProto(find(request.getServerId()))).build());
        response.onCompleted();
    }

    @Override
    public void updateServer(UpdateServerRequest request, StreamObserver<UpdateServerResponse> response) {
        String admin = callers.requireAdmin().getUserName();
        long id = Text.checkId(request.getServerId(), "server_id");
        MediaServer server = request.getServer();
        if (server.getId() != 0 && server.getId() != id) {
            throw new MediameshException(ErrorCode.INVALID_REQUEST, "server.id must be 0 or equal to server_id.");
        }
        ServerSpec spec = ServerSpec.check(server);
        MediaServerRecord updated = servers.update(id, spec, clock.instant()).orElseThrow(() -> notFound(id));
        logger.info("{} updated media server {} (id {})", admin, updated.name(), id);
        response.onNext(UpdateServerResponse.newBuilder().setServer(toProto(updated)).build());
        response.onCompleted();
    }

    @Override
    public void deleteServer(DeleteServerRequest request, StreamObserver<DeleteServerResponse> response) {
        String admin = callers.requireAdmin().getUserName();
        long id = Text.checkId(request.getServerId(), "server_id");
        if (applying.test(id)) {
            throw new MediameshException(ErrorCode.CONFIG_APPLY_IN_PROGRESS,
                                         "An apply is working on media server " + id + "; delete it once it ended.");
        }
        if (!servers.delete(id)) {
            throw notFound(id);
        }
        logger.info("{} removed media server {}", admin, id);
        response.onNext(DeleteServerResponse.getDefaultInstance());
        response.onCompleted();
    }

    private MediaServerRecord find(long id) {
        Text.checkId(id, "server_id");
        return servers.find(id).orElseThrow(() -> notFound(id));
    }

    private MediaServer toProto(MediaServerRecord server) {
        return server.toProto(endpoints.forRequest().apply(server));
    }

    private static MediameshException notFound(long id) {
        return new MediameshException(ErrorCode.SERVER_NOT_FOUND, "No media server " + id + '.');
    }
}
