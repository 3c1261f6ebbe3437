package io.mediamesh.config.render;

import io.mediamesh.api.v1.CoturnConfig;
import io.mediamesh.api.v1.JanusConfig;
import io.mediamesh.api.v1.NginxConfig;
import io.mediamesh.api.v1.PortRange;
import io.mediamesh.api.v1.ServerOverrides;
import io.mediamesh.config.server.MediaServerRecord;

/**
 * The values one server ends up with: its overrides win over the role's document, which wins over
 * the tools' own defaults. One place, so that the files and the derived endpoints agree.
 */
public final class Effective {
    /** Janus's own defaults (janus.transport.http.jcfg), and coturn's for STUN. */
    public static final int JANUS_HTTP_PORT = 8088;
    public static final String JANUS_BASE_PATH = "/janus";
    public static final String JANUS_ADMIN_BASE_PATH = "/admin";
    public static final int STUN_PORT = 3478;

    private Effective() {}

    public static int janusHttpPort(MediaServerRecord server, JanusConfig janus) {
        return first(server.overrides().getJanusHttpPort(), janus.getHttp().getHttpPort(), JANUS_HTTP_PORT);
    }

    /** 0 = the admin API is off. */
    public static int janusAdminPort(MediaServerRecord server, JanusConfig janus) {
        return first(server.overrides().getJanusAdminPort(), janus.getHttp().getAdminPort(), 0);
    }

    public static String janusBasePath(JanusConfig janus) {
        return janus.getHttp().getBasePath().isEmpty() ? JANUS_BASE_PATH : janus.getHttp().getBasePath();
    }

    public static String janusAdminBasePath(JanusConfig janus) {
        String path = janus.getHttp().getAdminBasePath();
        return path.isEmpty() ? JANUS_ADMIN_BASE_PATH : path;
    }

    public static PortRange janusRtpPortRange(MediaServerRecord server, JanusConfig janus) {
        return first(server.overrides().getJanusRtpPortRange(), janus.getMedia().getRtpPortRange());
    }

    public static PortRange streamingRtpPortRange(MediaServerRecord server, JanusConfig janus) {
        return first(server.overrides().getStreamingRtpPortRange(), janus.getStreaming().getRtpPortRange());
    }

    /** Empty when neither the server nor the document names a folder. */
    public static String recDir(MediaServerRecord server, JanusConfig janus) {
        String override = server.overrides().getJanusRecDir();
        return override.isEmpty() ? janus.getVideoroom().getRecDir() : override;
    }

    /** The STUN port Janus is told: the server's coturn port if overridden, else the role's. */
    public static int stunPort(MediaServerRecord server, JanusConfig janus) {
        return first(server.overrides().getCoturnListeningPort(), janus.getNat().getStunPort(), STUN_PORT);
    }

    public static int coturnListeningPort(MediaServerRecord server, CoturnConfig coturn) {
        return first(server.overrides().getCoturnListeningPort(), coturn.getListeningPort(), STUN_PORT);
    }

    /** 0 = no TLS listener. */
    public static int coturnTlsListeningPort(MediaServerRecord server, CoturnConfig coturn) {
        return first(server.overrides().getCoturnTlsListeningPort(), coturn.getTlsListeningPort(), 0);
    }

    public static PortRange coturnRelayPortRange(MediaServerRecord server, CoturnConfig coturn) {
        return first(server.overrides().getCoturnRelayPortRange(),
                     PortRange.newBuilder().setMin(coturn.getMinPort()).setMax(coturn.getMaxPort()).build());
    }

    /** The port of nginx's first listen directive; 0 if the document has none and no override. */
    public static int nginxListenPort(MediaServerRecord server, NginxConfig nginx) {
        ServerOverrides overrides = server.overrides();
        return first(overrides.getNginxListenPort(), nginx.getListenCount() == 0 ? 0 : nginx.getListen(0).getPort(),
                     0);
    }

    static boolean isSet(PortRange range) {
        return range.getMin() != 0 || range.getMax() != 0;
    }

    private static int first(int override, int document, int fallback) {
        return override != 0 ? override : document != 0 ? document : fallback;
    }

    private static PortRange first(PortRange override, PortRange document) {
        return isSet(override) ? override : document;
    }
}
