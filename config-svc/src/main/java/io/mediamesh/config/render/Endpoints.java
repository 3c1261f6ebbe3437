package io.mediamesh.config.render;

import io.mediamesh.api.v1.CoturnConfig;
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
     * @param coturn the role's latest coturn document; clients relay through it
     */
    public static MediaServerEndpoints of(MediaServerRecord server, JanusConfig janus, NginxConfig nginx,
                                          CoturnConfig coturn) {
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
        String recDir = Effective.recDir(server, janus);
        endpoints.setJanusRecDir(recDir);
        String publicHost = Addresses.forUrl(server.publicAddress());
        int nginxPort = Effective.nginxListenPort(server, nginx);
        boolean ssl = nginx.getListenCount() > 0 && nginx.getListen(0).getSsl();
        // nginx on the public address; empty when the document gives it no port.
        String nginxUrl = nginxPort == 0 ? "" : (ssl ? "https://" : "http://") + publicHost + ':' + nginxPort;
        if (!nginx.getJanusLocation().isEmpty() && !nginxUrl.isEmpty()) {
            endpoints.setPublicJanusUrl(nginxUrl + nginx.getJanusLocation());
        } else {
            endpoints.setPublicJanusUrl("http://" + publicHost + ':' + httpPort + basePath);
        }
        // Rooms record below rec_dir, so a location aliasing another folder does not list them.
        String location = nginx.getRecordingsLocation();
        String root = nginx.getRecordingsRoot();
        if (!location.isEmpty() && !nginxUrl.isEmpty() && !recDir.isEmpty() &&
            (root.isEmpty() || trimSlash(root).equals(trimSlash(recDir)))) {
            endpoints.setRecordingsUrl(nginxUrl + location + (location.endsWith("/") ? "" : "/"));
        }
        // Only credentials of the use-auth-secret scheme can be issued per join (TurnCredentials).
        if (coturn.getUseAuthSecret() && !coturn.getStaticAuthSecret().isEmpty()) {
            endpoints.setTurnUrl("turn:" + publicHost + ':' + Effective.coturnListeningPort(server, coturn) +
                                 "?transport=udp");
        }
        return endpoints.build();
    }

    private static String trimSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
