package io.mediamesh.config.render;

import io.mediamesh.api.v1.ConfigDocument;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.config.ConfigKinds;
import java.util.List;

/**
 * Renders a role's config document into one server's files: a pure function of the document, the
 * server (its addresses, name and overrides) and its role's janus document. Per-server values
 * follow the original system: Janus's server_name and stun_server are the server's internal
 * address, nat_1_1_mapping its public one, the STUN port its coturn port; coturn listens and relays
 * on the internal address and advertises the public one; nginx proxies to the server's own Janus.
 */
public final class ConfigRenderer {
    private ConfigRenderer() {}

    /**
     * @throws MediameshException CONFIG_RENDER_FAILED naming the field and server when a value
     *         cannot go into the file; INVALID_REQUEST when the document is not of {@code kind}
     */
    public static RenderedConfig render(ConfigKind kind, ConfigDocument document, RenderTarget target) {
        checkKind(kind, document);
        return new RenderedConfig(kind, switch (kind) {
            case CONFIG_KIND_NGINX -> List.of(NginxRenderer.render(document.getNginx(), target));
            case CONFIG_KIND_COTURN -> List.of(CoturnRenderer.render(document.getCoturn(), target.server()));
            default -> JanusRenderer.render(document.getJanus(), target.server());
        });
    }

    /** The document must hold the kind it is stored or rendered under. */
    public static void checkKind(ConfigKind kind, ConfigDocument document) {
        ConfigKinds.check(kind);
        ConfigKind held = ConfigKinds.of(document);
        if (held != kind) {
            throw new MediameshException(ErrorCode.INVALID_REQUEST, "The document is a " + ConfigKinds.name(held) +
                                                                    " document, not " + ConfigKinds.name(kind) + '.');
        }
    }
}
