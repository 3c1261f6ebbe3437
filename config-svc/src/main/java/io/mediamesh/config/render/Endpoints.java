package io.mediamesh.config.render;

import io.mediamesh.api.v1.JanusConfig;
import io.mediamesh.api.v1.MediaServerEndpoints;
import io.mediamesh.api.v1.NginxConfig;
import io.mediamesh.config.server.Addresses;
import io.mediamesh.config.server.MediaServerRecord;

/** Where media-svc and clients reach a server's Janus, from the same values its files are rendered with. */
public final class Endpoints {
    private Endpoints() {}

    /**
     * @param janus the role's latest janus document
     * @param nginx the role's latest nginx document; clients go through it when it proxies Janus
     */
    public static MediaServerEndpoints of(MediaServerRecord server, JanusConfig janus, NginxConfig nginx) {
        String internal = Addresses.forUrl(server.internalAddress());
        String basePath = Effective.janusBasePath(janus);
        int httpPort = Effective.janusHttpPort(server, janus);
        MediaServerEndpoints.Builder endpoints =
                MediaServerEndpoints.newBuilder()
                                    .setJanusApiUrl("http://" + internal + ':' + httpPort + basePath)
                                    .setStreamingRtpPortRange(Effective.streamingRtpPortRange(server, janus));
        int adminPort = Effective.janusAdminPort(server, janus);
        if (adminPort != 0) {
            endpoints.setJanusAdminUrl("http://" + internal + ':' + adminPort + Effective.janusAdminBasePath(janus));
        }
        String publicHost = Addresses.forUrl(server.publicAddress());
        int nginxPort = Effective.nginxListenPort(server, nginx);
        if (!nginx.getJanusLocation().isEmpty() && nginxPort != 0) {
            boolean ssl = nginx.getListenCount() > 0 && nginx.getListen(0).getSsl();
            endpoints.setPublicJanusUrl((ssl ? "https://" : "http://") + publicHost + ':' + nginxPort +
                                        nginx.getJanusLocation());
        } else {
            endpoints.setPublicJanusUrl("http://" + publicHost + ':' + httpPort + basePath);
        }
        return endpoints.build();
    }
}
