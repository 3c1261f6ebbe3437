package io.mediamesh.media.room;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import io.mediamesh.media.janus.JanusServer;
import io.mediamesh.media.janus.MediaServers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where each Janus's HTTP event handler (sampleevh, configured by config-svc's janus document)
 * posts its plugins' events: {@code /janus/events/<server id>/<token>}, the token being the
 * server's role document's events token, so only that Janus can post there. Every event goes to
 * {@link ParticipantGuard}; one that cannot be acted on is logged, and the others still are.
 */
public final class JanusEventsBackend {
    private static final Logger logger = LoggerFactory.getLogger(JanusEventsBackend.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final MediaServers servers;
    private final ParticipantGuard guard;

    public JanusEventsBackend(MediaServers servers, ParticipantGuard guard) {
        this.servers = servers;
        this.guard = guard;
    }

    @Post("/janus/events/{server}/{token}")
    @Blocking
    public HttpResponse post(@Param("server") long serverId, @Param("token") String token,
                             AggregatedHttpRequest request) {
        String expected;
        try {
            JanusServer server = servers.get(serverId);
            expected = server.eventsToken();
        } catch (RuntimeException e) {
            // Not a registered server (or the registry is out of reach): nothing to check against.
            return HttpResponse.of(HttpStatus.NOT_FOUND);
        }
        if (expected.isEmpty() || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                                                         token.getBytes(StandardCharsets.UTF_8))) {
            return HttpResponse.of(HttpStatus.NOT_FOUND);
        }
        JsonNode body;
        try {
            body = MAPPER.readTree(request.contentUtf8());
        } catch (IOException e) {
            return HttpResponse.of(HttpStatus.BAD_REQUEST);
        }
        if (body == null || !(body.isArray() || body.isObject())) {
            return HttpResponse.of(HttpStatus.BAD_REQUEST);
        }
        // Grouped events come as an array, single ones as an object.
        for (JsonNode event : body.isArray() ? body : MAPPER.createArrayNode().add(body)) {
            try {
                guard.check(event);
            } catch (RuntimeException e) {
                logger.warn("Janus event from server {} not acted on: {}", serverId, event, e);
            }
        }
        return HttpResponse.of(HttpStatus.OK);
    }
}
