package io.mediamesh.gateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.client.BlockingWebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import com.linecorp.armeria.common.ResponseHeaders;
import java.nio.charset.StandardCharsets;

/** A REST client for the gateway that reads the envelope. */
public final class Rest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final BlockingWebClient client;
    /** Name, value pairs every request carries before its own (a session). */
    private final String[] always;

    public Rest(String baseUri) {
        this(BlockingWebClient.of(baseUri));
    }

    private Rest(BlockingWebClient client, String... always) {
        this.client = client;
        this.always = always;
    }

    /** This client as the holder of {@code session}: every request carries it (X-Session-Id). */
    public Rest as(String session) {
        return new Rest(client, "X-Session-Id", session);
    }

    /** A response: status, envelope code, envelope payload (null for 204). */
    public record Response(int status, String code, JsonNode body, ResponseHeaders headers) {
        public Response expect(int expectedStatus, String expectedCode) {
            assertThat(status).as("status of a response with body %s", body).isEqualTo(expectedStatus);
            assertThat(code).isEqualTo(expectedCode);
            return this;
        }

        public Response expect(int expectedStatus) {
            assertThat(status).as("status of a response with body %s", body).isEqualTo(expectedStatus);
            return this;
        }
    }

    public Response get(String path, String... headers) {
        return send(HttpMethod.GET, path, null, headers);
    }

    public Response delete(String path, String... headers) {
        return send(HttpMethod.DELETE, path, null, headers);
    }

    public Response post(String path, String json, String... headers) {
        return send(HttpMethod.POST, path, json, headers);
    }

    public Response put(String path, String json, String... headers) {
        return send(HttpMethod.PUT, path, json, headers);
    }

    /** Sends {@code headers} as name, value pairs; a body is JSON unless they name another content type. */
    public Response send(HttpMethod method, String path, String body, String... headers) {
        return sendBytes(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), headers);
    }

    /** As {@link #send(HttpMethod, String, String, String...)}, with a body of any bytes. */
    public Response sendBytes(HttpMethod method, String path, byte[] body, String... headers) {
        RequestHeadersBuilder builder = RequestHeaders.builder(method, path);
        for (int i = 0; i < always.length; i += 2) {
            builder.add(always[i], always[i + 1]);
        }
        for (int i = 0; i < headers.length; i += 2) {
            builder.add(headers[i], headers[i + 1]);
        }
        if (body != null && builder.contentType() == null) {
            builder.contentType(MediaType.JSON_UTF_8);
        }
        AggregatedHttpResponse response = body == null ? client.execute(builder.build())
                                                       : client.execute(builder.build(), HttpData.wrap(body));
        if (response.content().isEmpty()) {
            return new Response(response.status().code(), null, null, response.headers());
        }
        try {
            JsonNode envelope = MAPPER.readTree(response.contentUtf8());
            return new Response(response.status().code(), envelope.path("code").asText(null),
                                envelope.get("response"), response.headers());
        } catch (JsonProcessingException e) {
            throw new AssertionError("Not a JSON envelope: " + response.contentUtf8(), e);
        }
    }

    /** Registers a user and returns their session id. */
    public String register(String userName) {
        Response response = post("/api/register", json("user_name", userName, "pwd", "password-" + userName))
                .expect(201, "ok");
        return response.body().get("session_id").asText();
    }

    public String login(String userName, String password) {
        return post("/api/login", json("user_name", userName, "pwd", password)).expect(200, "ok")
                .body().get("session_id").asText();
    }

    /** Creates a video owned by {@code userName} and returns its id. */
    public long createVideo(String session, String userName, String name) {
        return post("/api/user/" + userName + "/videos", json("name", name), "X-Session-Id", session)
                .expect(201, "ok").body().get("id").asLong();
    }

    public long postComment(String session, long videoId, String content) {
        return post("/api/videos/" + videoId + "/comments", json("content", content), "X-Session-Id", session)
                .expect(201, "ok").body().get("comment").get("id").asLong();
    }

    /** A JSON object from name, value pairs (values are written as JSON strings or numbers). */
    public static String json(Object... pairs) {
        ObjectNode node = MAPPER.createObjectNode();
        for (int i = 0; i < pairs.length; i += 2) {
            node.putPOJO((String) pairs[i], pairs[i + 1]);
        }
        return node.toString();
    }
}
