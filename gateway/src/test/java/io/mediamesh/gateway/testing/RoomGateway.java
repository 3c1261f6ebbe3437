package io.mediamesh.gateway.testing;

import io.mediamesh.common.server.RunningService;
import io.mediamesh.gateway.Gateway;
import io.mediamesh.gateway.GatewaySettings;
import io.mediamesh.media.testing.RoomMesh;
import java.net.URI;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A gateway on a free loopback port in front of a {@link RoomMesh}'s user-svc and media-svc, whose
 * pages may talk to the mesh's Janus servers where rooms send clients.
 */
public final class RoomGateway implements BeforeAllCallback, AfterAllCallback {
    private final RoomMesh mesh;
    private final Map<String, Object> settings;
    private RunningService<Gateway> gateway;

    /** As an extension for one test class: registered after {@code mesh}, it starts after it. */
    public RoomGateway(RoomMesh mesh) {
        this(mesh, Map.of());
    }

    /** The same, with {@code settings} (configuration paths and values) over the gateway's defaults. */
    public RoomGateway(RoomMesh mesh, Map<String, Object> settings) {
        this.mesh = mesh;
        this.settings = Map.copyOf(settings);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        gateway = start(mesh, settings);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (gateway != null) {
            gateway.close();
        }
    }

    public String origin() {
        return "http://127.0.0.1:" + gateway.port();
    }

    public Rest rest() {
        return new Rest(origin());
    }

    /** What the site's pages may load from: the site, its file server, and the Janus URLs rooms hand out. */
    public Set<String> pageOrigins() {
        Set<String> origins = new HashSet<>(janusOrigins(mesh));
        origins.add(origin());
        origins.add("http://127.0.0.1:" + mesh.fileServerPort());
        return origins;
    }

    /** Starts it; the caller closes it. */
    public static RunningService<Gateway> start(RoomMesh mesh) throws Exception {
        return start(mesh, Map.of());
    }

    private static RunningService<Gateway> start(RoomMesh mesh, Map<String, Object> overrides) throws Exception {
        Map<String, Object> settings = new HashMap<>(Map.of(
                "mediamesh.endpoints.media-files", "127.0.0.1:" + mesh.fileServerPort(),
                "mediamesh.gateway.browser.janus-origins", janusOrigins(mesh)));
        settings.putAll(overrides);
        GatewaySettings base = GatewaySettings.from(ConfigGateway.config(settings));
        return ConfigGateway.start(base.withEndpoints(base.endpoints().withUserSvc(mesh.userEndpoint())
                                                          .withMediaSvc(mesh.mediaEndpoint())));
    }

    /** scheme://host:port of each server's public Janus URL, which join answers hand out. */
    public static List<String> janusOrigins(RoomMesh mesh) {
        return mesh.servers().stream().map(server -> URI.create(server.getEndpoints().getPublicJanusUrl()))
                   .map(url -> url.getScheme() + "://" + url.getAuthority()).distinct().toList();
    }
}
