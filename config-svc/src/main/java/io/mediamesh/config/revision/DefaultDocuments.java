package io.mediamesh.config.revision;

import io.mediamesh.api.v1.ConfigDocument;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.CoturnConfig;
import io.mediamesh.api.v1.JanusConfig;
import io.mediamesh.api.v1.JanusEvents;
import io.mediamesh.api.v1.JanusGeneral;
import io.mediamesh.api.v1.JanusHttpTransport;
import io.mediamesh.api.v1.JanusMedia;
import io.mediamesh.api.v1.JanusNat;
import io.mediamesh.api.v1.JanusStreamingPlugin;
import io.mediamesh.api.v1.JanusTextRoomPlugin;
import io.mediamesh.api.v1.JanusVideoRoomPlugin;
import io.mediamesh.api.v1.NginxConfig;
import io.mediamesh.api.v1.NginxListen;
import io.mediamesh.api.v1.NginxUpstream;
import io.mediamesh.api.v1.PortRange;
import io.mediamesh.config.ConfigKinds;
import io.mediamesh.config.render.JanusAllowlist;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * The first revision of every (kind, role), written at start-up when it has none, so that a
 * newcomer can apply at once. Per-server values (names, addresses) are left empty, to be filled in
 * from each server; secrets are random per installation and role, never a well-known default.
 */
public final class DefaultDocuments {
    public static final String AUTHOR = "mediamesh";
    public static final String MESSAGE = "Default configuration";

    private final SecureRandom random;

    public DefaultDocuments(SecureRandom random) {
        this.random = random;
    }

    public ConfigDocument of(ConfigKind kind) {
        return switch (ConfigKinds.check(kind)) {
            case CONFIG_KIND_NGINX -> ConfigDocument.newBuilder().setNginx(nginx()).build();
            case CONFIG_KIND_COTURN -> ConfigDocument.newBuilder().setCoturn(coturn()).build();
            default -> ConfigDocument.newBuilder().setJanus(janus()).build();
        };
    }

    private JanusConfig janus() {
        return JanusConfig.newBuilder()
                .setGeneral(JanusGeneral.newBuilder()
                                        .setAdminSecret(secret())
                                        .setSessionTimeoutSeconds(60)
                                        .setDebugLevel(4)
                                        // Shown in the document; the renderer protects them whatever it says.
                                        .addAllProtectedFolders(JanusAllowlist.PROTECTED_FOLDERS))
                .setNat(JanusNat.newBuilder().setStunPort(3478).setIceIgnoreList("vmnet"))
                .setMedia(JanusMedia.newBuilder().setRtpPortRange(range(20000, 40000)))
                .setHttp(JanusHttpTransport.newBuilder()
                                           .setHttpPort(8088)
                                           .setBasePath("/janus")
                                           .setAdminPort(7088)
                                           .setAdminBasePath("/admin"))
                .setVideoroom(JanusVideoRoomPlugin.newBuilder()
                                                  .setAdminKey(secret())
                                                  .setLockRtpForward(true)
                                                  .setRecDir("/var/lib/mediamesh/recordings"))
                .setStreaming(JanusStreamingPlugin.newBuilder().setAdminKey(secret()).setRtpPortRange(range(10000, 10999)))
                .setTextroom(JanusTextRoomPlugin.newBuilder().setAdminKey(secret()).setJson("plain"))
                // media-svc's own default address.
                .setEvents(JanusEvents.newBuilder().setMediaSvcUrl("http://127.0.0.1:9102").setToken(secret()))
                .build();
    }

    private CoturnConfig coturn() {
        return CoturnConfig.newBuilder()
                           .setListeningPort(3478)
                           .setMinPort(49152)
                           .setMaxPort(65535)
                           .setRealm("mediamesh")
                           .setUseAuthSecret(true)
                           .setStaticAuthSecret(secret())
                           .setFingerprint(true)
                           .setNoTls(true)
                           .setNoDtls(true)
                           .setNoCli(true)
                           .build();
    }

    private NginxConfig nginx() {
        return NginxConfig.newBuilder()
                          .addListen(NginxListen.newBuilder().setPort(80))
                          .addUpstreams(NginxUpstream.newBuilder().setName("janus").setKeepalive(16))
                          .setJanusLocation("/janus")
                          .setJanusUpstream("janus")
                          .setRecordingsLocation("/recordings/")
                          .setRecordingsAutoindex(true)
                          .setRecordingsSecret(secret())
                          .setSendfile(true)
                          .build();
    }

    private static PortRange range(int min, int max) {
        return PortRange.newBuilder().setMin(min).setMax(max).build();
    }

    /** 192 random bits, URL-safe so that every file format takes it as is. */
    private String secret() {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
