package io.mediamesh.config.revision;

import io.mediamesh.api.v1.ConfigDocument;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.CoturnConfig;
import io.mediamesh.api.v1.JanusConfig;
import io.mediamesh.api.v1.MediaServerEndpoints;
import io.mediamesh.api.v1.MediaServerRole;
import io.mediamesh.api.v1.NginxConfig;
import io.mediamesh.config.render.ConfigRenderer;
import io.mediamesh.config.render.Endpoints;
import io.mediamesh.config.render.RenderTarget;
import io.mediamesh.config.render.RenderedConfig;
import io.mediamesh.config.server.EndpointResolver;
import io.mediamesh.config.server.MediaServerRecord;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Rendering against the stored documents: a server's files need its role's latest janus document
 * too (nginx points at Janus's port and recordings), and so do its derived endpoints.
 */
public final class ConfigRendering implements EndpointResolver {
    private final RevisionRepository revisions;

    public ConfigRendering(RevisionRepository revisions) {
        this.revisions = revisions;
    }

    /** One server's files for {@code document}. */
    public RenderedConfig render(ConfigKind kind, ConfigDocument document, MediaServerRecord server) {
        return ConfigRenderer.render(kind, document, new RenderTarget(server, roleJanus(server.role())));
    }

    /** Each server's files, in the order given, reading each role's janus document once. */
    public List<RenderedConfig> renderEach(ConfigKind kind, ConfigDocument document, List<MediaServerRecord> servers) {
        Map<MediaServerRole, JanusConfig> janus = new EnumMap<>(MediaServerRole.class);
        return servers.stream()
                      .map(server -> ConfigRenderer.render(
                              kind, document,
                              new RenderTarget(server, janus.computeIfAbsent(server.role(), this::roleJanus))))
                      .toList();
    }

    /** The role's latest janus document; empty if it has none (then Janus's defaults apply). */
    public JanusConfig roleJanus(MediaServerRole role) {
        return revisions.latest(ConfigKind.CONFIG_KIND_JANUS, role)
                        .map(revision -> revision.document().getJanus())
                        .orElse(JanusConfig.getDefaultInstance());
    }

    @Override
    public Function<MediaServerRecord, MediaServerEndpoints> forRequest() {
        Map<MediaServerRole, JanusConfig> janus = new EnumMap<>(MediaServerRole.class);
        Map<MediaServerRole, NginxConfig> nginx = new EnumMap<>(MediaServerRole.class);
        Map<MediaServerRole, CoturnConfig> coturn = new EnumMap<>(MediaServerRole.class);
        return server -> Endpoints.of(server, janus.computeIfAbsent(server.role(), this::roleJanus),
                                      nginx.computeIfAbsent(server.role(), this::roleNginx),
                                      coturn.computeIfAbsent(server.role(), this::roleCoturn));
    }

    private CoturnConfig roleCoturn(MediaServerRole role) {
        return revisions.latest(ConfigKind.CONFIG_KIND_COTURN, role)
                        .map(revision -> revision.document().getCoturn())
                        .orElse(CoturnConfig.getDefaultInstance());
    }

    private NginxConfig roleNginx(MediaServerRole role) {
        return revisions.latest(ConfigKind.CONFIG_KIND_NGINX, role)
                        .map(revision -> revision.document().getNginx())
                        .orElse(NginxConfig.getDefaultInstance());
    }
}
