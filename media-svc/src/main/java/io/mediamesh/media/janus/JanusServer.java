package io.mediamesh.media.janus;

import io.mediamesh.api.v1.CoturnConfig;
import io.mediamesh.api.v1.JanusConfig;
import io.mediamesh.api.v1.MediaServer;
import io.mediamesh.api.v1.MediaServerRef;
import io.mediamesh.api.v1.NginxConfig;

/**
 * A registered media server as media-svc uses it: where its Janus answers and the secrets of its
 * role's janus document (admin keys, the events token), nginx document (the recordings links'
 * secret) and coturn document (the TURN credentials' secret), from config-svc.
 */
public record JanusServer(MediaServer server, JanusConfig janus, NginxConfig nginx, CoturnConfig coturn) {
    public long id() {
        return server.getId();
    }

    public String apiUrl() {
        return server.getEndpoints().getJanusApiUrl();
    }

    /** The URL clients are given (nginx in front of Janus, or Janus itself). */
    public String publicUrl() {
        return server.getEndpoints().getPublicJanusUrl();
    }

    /** VideoRoom's rec_dir on the server, after its overrides; empty when none is configured. */
    public String recDir() {
        return server.getEndpoints().getJanusRecDir();
    }

    /** nginx's recordings location, ending in '/' (rec_dir's folders below it); empty when not served. */
    public String recordingsUrl() {
        return server.getEndpoints().getRecordingsUrl();
    }

    /** What nginx's recordings location checks signed links with (secure_link); empty when unset. */
    public String recordingsSecret() {
        return nginx.getRecordingsSecret();
    }

    /** What this server's Janus posts its events with (JanusEvents.token); empty when unset. */
    public String eventsToken() {
        return janus.getEvents().getToken();
    }

    /** What coturn checks TURN credentials with (use-auth-secret); empty when it takes none of ours. */
    public String turnSecret() {
        return coturn.getUseAuthSecret() ? coturn.getStaticAuthSecret() : "";
    }

    public MediaServerRef ref() {
        return MediaServerRef.newBuilder().setId(id()).setName(server.getName()).setUrl(publicUrl()).build();
    }
}
