package io.mediamesh.media.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

/**
 * Asks a Janus directly, as a client or an operator would, independently of media-svc: plain
 * blocking HTTP, one session, and the events of asynchronous requests read by long poll.
 */
public final class JanusProbe {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String apiUrl;
    private final HttpClient http = HttpClient.newHttpClient();
    private final long session;

    public JanusProbe(String apiUrl) {
        this.apiUrl = apiUrl;
        this.session = post("", envelope("create")).path("data").path("id").asLong();
    }

    /** Attaches a new handle to {@code plugin}. */
    public long attach(String plugin) {
        ObjectNode attach = envelope("attach");
        attach.put("plugin", plugin);
        return post("/" + session, attach).path("data").path("id").asLong();
    }

    /** A synchronous request's plugindata.data. */
    public JsonNode request(long handle, ObjectNode body) {
        ObjectNode message = envelope("message");
        message.set("body", body);
        return post("/" + session + '/' + handle, message).path("plugindata").path("data");
    }

    /** An asynchronous request (e.g. join): waits for its event and returns its plugindata.data. */
    public JsonNode requestAsync(long handle, ObjectNode body) {
        ObjectNode message = envelope("message");
        message.set("body", body);
        String transaction = message.path("transaction").asText();
        post("/" + session + '/' + handle, message);
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < until) {
            JsonNode events = get("/" + session + "?maxev=10");
            for (JsonNode event : events.isArray() ? events : MAPPER.createArrayNode().add(events)) {
                if (transaction.equals(event.path("transaction").asText()) && "event".equals(event.path("janus").asText())) {
                    return event.path("plugindata").path("data");
                }
            }
        }
        throw new IllegalStateException("No event for " + body);
    }

    public static ObjectNode body(String request) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("request", request);
        return node;
    }

    private JsonNode post(String path, ObjectNode body) {
        return send(HttpRequest.newBuilder(URI.create(apiUrl + path))
                               .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    private JsonNode get(String path) {
        return send(HttpRequest.newBuilder(URI.create(apiUrl + path)).GET());
    }

    private JsonNode send(HttpRequest.Builder request) {
        try {
            return MAPPER.readTree(http.send(request.timeout(Duration.ofSeconds(40)).build(),
                                             HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode envelope(String janus) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("janus", janus);
        node.put("transaction", UUID.randomUUID().toString());
        return node;
    }
}
