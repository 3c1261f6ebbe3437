package io.mediamesh.media.janus;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.linecorp.armeria.client.ClientFactory;
import io.mediamesh.api.v1.ConfigDocument;
import io.mediamesh.api.v1.CoturnConfig;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.ConfigServiceGrpc.ConfigServiceBlockingStub;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.GetConfigRequest;
import io.mediamesh.api.v1.GetServerRequest;
import io.mediamesh.api.v1.JanusConfig;
import io.mediamesh.api.v1.ListServersRequest;
import io.mediamesh.api.v1.MediaServer;
import io.mediamesh.api.v1.MediaServerRole;
import io.mediamesh.api.v1.MediaServerServiceGrpc.MediaServerServiceBlockingStub;
import io.mediamesh.api.v1.NginxConfig;
import io.mediamesh.api.v1.ServerStatus;
import io.mediamesh.common.error.MediameshException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * The Janus servers media-svc may use, from config-svc's registry (read with media-svc's certificate),
 * and one {@link JanusClient} per server, whose sessions are kept alive here.
 */
public final class MediaServers {
    private final MediaServerServiceBlockingStub registry;
    private final ConfigServiceBlockingStub configs;
    private final ClientFactory clientFactory;
    private final Duration janusDeadline;
    private final Cache<Long, JanusServer> byId;
    private final Cache<MediaServerRole, JanusConfig> janusByRole;
    private final Cache<MediaServerRole, NginxConfig> nginxByRole;
    private final Cache<MediaServerRole, CoturnConfig> coturnByRole;
    private final Cache<MediaServerRole, List<JanusServer>> usableByRole;
    private final Map<Long, JanusClient> clients = new ConcurrentHashMap<>();

    public MediaServers(MediaServerServiceBlockingStub registry, ConfigServiceBlockingStub configs,
                        ClientFactory clientFactory, Duration janusDeadline, Duration cacheTtl,
                        Duration keepaliveInterval, ScheduledExecutorService scheduler) {
        this.registry = registry;
        this.configs = configs;
        this.clientFactory = clientFactory;
        this.janusDeadline = janusDeadline;
        this.byId = Caffeine.newBuilder().expireAfterWrite(cacheTtl).maximumSize(10_000).build();
        this.janusByRole = Caffeine.newBuilder().expireAfterWrite(cacheTtl).build();
        this.nginxByRole = Caffeine.newBuilder().expireAfterWrite(cacheTtl).build();
        this.coturnByRole = Caffeine.newBuilder().expireAfterWrite(cacheTtl).build();
        // Every room and stream creation asks for them: one registry listing per TTL, not per call.
        this.usableByRole = Caffeine.newBuilder().expireAfterWrite(cacheTtl).build();
        long keepalive = keepaliveInterval.toMillis();
        scheduler.scheduleWithFixedDelay(() -> clients.values().forEach(JanusClient::keepAlive), keepalive,
                                         keepalive, TimeUnit.MILLISECONDS);
    }

    /**
     * The enabled server of {@code role} (UNSPECIFIED: any) with the lowest {@code load}, leaving out servers the
     * health check found unhealthy (UNKNOWN is accepted: a server without an agent is never checked).
     */
    public JanusServer leastLoaded(MediaServerRole role, ToLongFunction<Long> load) {
        return usable(role).stream()
                           .min(Comparator.comparingLong((JanusServer s) -> load.applyAsLong(s.id()))
                                          .thenComparingLong(JanusServer::id))
                           .orElseThrow(() -> new MediameshException(ErrorCode.SERVICE_UNAVAILABLE,
                                                                     "No enabled media server can take it."));
    }

    /**
     * Every enabled, not unhealthy server of {@code role} (UNSPECIFIED: any), as the registry said
     * within the cache TTL.
     */
    public List<JanusServer> usable(MediaServerRole role) {
        return usableByRole.get(role, this::listUsable);
    }

    private List<JanusServer> listUsable(MediaServerRole role) {
        List<JanusServer> servers = new ArrayList<>();
        String cursor = "";
        do {
            var page = registry.listServers(ListServersRequest.newBuilder().setRole(role).setEnabled(true)
                                                              .setCursor(cursor).build());
            for (MediaServer server : page.getServersList()) {
                if (server.getStatus() != ServerStatus.SERVER_STATUS_UNHEALTHY &&
                    !server.getEndpoints().getJanusApiUrl().isEmpty()) {
                    JanusServer janus = janusServer(server);
                    byId.put(server.getId(), janus);
                    servers.add(janus);
                }
            }
            cursor = page.getNextCursor();
        } while (!cursor.isEmpty());
        return List.copyOf(servers);
    }

    /** A server a room or stream lives on, enabled or not. */
    public JanusServer get(long serverId) {
        return byId.get(serverId, id -> {
            MediaServer server = registry.getServer(GetServerRequest.newBuilder().setServerId(id).build()).getServer();
            return janusServer(server);
        });
    }

    /** The client of {@code server}'s Janus; a new one when its API URL changed. */
    public JanusClient client(JanusServer server) {
        return clients.compute(server.id(), (id, existing) ->
                existing != null && existing.apiUrl().equals(trim(server.apiUrl())) ? existing
                        : new JanusClient(server.apiUrl(), clientFactory, janusDeadline));
    }

    private JanusServer janusServer(MediaServer server) {
        MediaServerRole role = server.getRole();
        return new JanusServer(server, janusByRole.get(role, r -> document(ConfigKind.CONFIG_KIND_JANUS, r).getJanus()),
                               nginxByRole.get(role, r -> document(ConfigKind.CONFIG_KIND_NGINX, r).getNginx()),
                               coturnByRole.get(role, r -> document(ConfigKind.CONFIG_KIND_COTURN, r).getCoturn()));
    }

    private ConfigDocument document(ConfigKind kind, MediaServerRole role) {
        return configs.getConfig(GetConfigRequest.newBuilder().setKind(kind).setRole(role).build()).getRevision()
                      .getDocument();
    }

    private static String trim(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
