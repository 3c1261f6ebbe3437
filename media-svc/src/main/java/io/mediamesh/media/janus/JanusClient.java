package io.mediamesh.media.janus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.UnprocessedRequestException;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.util.Exceptions;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.error.MediameshException;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Janus server's HTTP API, non-blocking: a session and one handle per plugin, created on first
 * use, kept alive by {@link #keepAlive()}, and re-created transparently when Janus no longer knows
 * them (errors 458/459, a restarted Janus, a connection that fails). Only synchronous plugin
 * requests are sent: their answer is the HTTP response itself, so no event polling is needed.
 *
 * <p>A Janus error body is never a success: core errors, and plugin answers carrying
 * {@code error_code} ({@link JanusPluginError}), fail the returned future.
 */
public final class JanusClient {
    public static final String VIDEOROOM = "janus.plugin.videoroom";
    public static final String TEXTROOM = "janus.plugin.textroom";
    public static final String STREAMING = "janus.plugin.streaming";

    /**
     * Plugin requests sent to each Janus (tag {@code janus}: its API URL) while serving a call, in
     * the serving server's meters (/metrics): the load callers put on the media servers.
     */
    public static final String REQUESTS_METRIC = "mediamesh.media.janus.requests";
    private static final Logger logger = LoggerFactory.getLogger(JanusClient.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int NO_SUCH_SESSION = 458;
    private static final int NO_SUCH_HANDLE = 459;

    private final String apiUrl;
    private final WebClient client;
    private final Duration deadline;
    private final SecureRandom random = new SecureRandom();
    private final Object lock = new Object();
    // Guarded by lock: the session being created or in use, and its handles by plugin.
    private CompletableFuture<Long> session;
    private final Map<String, CompletableFuture<Long>> handles = new ConcurrentHashMap<>();

    /**
     * @param apiUrl the Janus HTTP API, e.g. {@code http://127.0.0.1:8088/janus}
     * @param deadline limit of each HTTP exchange with Janus
     */
    public JanusClient(String apiUrl, ClientFactory factory, Duration deadline) {
        this.apiUrl = apiUrl.endsWith("/") ? apiUrl.substring(0, apiUrl.length() - 1) : apiUrl;
        this.client = WebClient.builder(this.apiUrl).factory(factory).responseTimeout(deadline).build();
        this.deadline = deadline;
    }

    public String apiUrl() {
        return apiUrl;
    }

    /**
     * Sends a synchronous plugin request and completes with its {@code plugindata.data}. A lost
     * session or handle is re-created once and the request re-sent.
     */
    public CompletableFuture<JsonNode> request(String plugin, ObjectNode body) {
        ServiceRequestContext serving = ServiceRequestContext.currentOrNull();
        if (serving != null) {
            Counter.builder(REQUESTS_METRIC).tag("janus", apiUrl).register(serving.meterRegistry()).increment();
        }
        return attempt(plugin, body).thenCompose(result -> {
            if (result instanceof Lost lost) {
                forget(lost);
                return attempt(plugin, body).thenApply(again -> {
                    if (again instanceof Lost lostAgain) {
                        forget(lostAgain);
                        logger.warn("Janus at {} keeps losing its session", apiUrl);
                        throw new MediameshException(ErrorCode.FAILED_GET_SESSION_HANDLE,
                                                     "The media server keeps losing its session.");
                    }
                    return ((Answer) again).data();
                });
            }
            return CompletableFuture.completedFuture(((Answer) result).data());
        });
    }

    /** As {@link #request}, waiting for the answer; for callers on a blocking executor. */
    public JsonNode send(String plugin, ObjectNode body) {
        try {
            // Up to create + attach + message, twice: each bounded by the deadline.
            return request(plugin, body).get(deadline.toMillis() * 6 + 100, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        } catch (TimeoutException e) {
            logger.warn("Janus at {} did not answer", apiUrl);
            throw new MediameshException(ErrorCode.FAILED_GET_SESSION_HANDLE, "The media server did not answer.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MediameshException(ErrorCode.FAILED_GET_SESSION_HANDLE, "Interrupted.");
        }
    }

    /** Sends a keepalive on the current session, if there is one; a session Janus lost is dropped. */
    public CompletableFuture<Void> keepAlive() {
        CompletableFuture<Long> current;
        synchronized (lock) {
            current = session;
        }
        if (current == null || !current.isDone() || current.isCompletedExceptionally()) {
            return CompletableFuture.completedFuture(null);
        }
        long id = current.join();
        ObjectNode body = envelope("keepalive");
        return post("/" + id, body).handle((json, failure) -> {
            if (failure != null || errorCode(json) != 0) {
                logger.info("Janus at {} lost session {}; a new one is made on next use", apiUrl, id);
                forgetSession(current);
            }
            return null;
        });
    }

    /** The session id in use (for tests and diagnostics); empty when none is established. */
    public java.util.OptionalLong currentSession() {
        synchronized (lock) {
            if (session != null && session.isDone() && !session.isCompletedExceptionally()) {
                return java.util.OptionalLong.of(session.join());
            }
        }
        return java.util.OptionalLong.empty();
    }

    private sealed interface Result permits Answer, Lost {}

    private record Answer(JsonNode data) implements Result {}

    /** Janus no longer knows this session (and so any handle) or this handle. */
    private record Lost(CompletableFuture<Long> session, String plugin, CompletableFuture<Long> handle)
            implements Result {}

    private CompletableFuture<Result> attempt(String plugin, ObjectNode body) {
        CompletableFuture<Long> sessionFuture = session();
        return sessionFuture.thenCompose(sessionId -> {
            CompletableFuture<Long> handleFuture = handle(sessionFuture, sessionId, plugin);
            return handleFuture.thenCompose(handleId -> {
                ObjectNode message = envelope("message");
                message.set("body", body);
                return post("/" + sessionId + '/' + handleId, message).handle((json, failure) -> {
                    if (failure != null) {
                        // Janus went away: start over with a fresh session. The request is sent
                        // again only if it never left; one Janus may have carried out (a create)
                        // must not be repeated, or it fails as "already exists".
                        Lost lost = new Lost(sessionFuture, plugin, handleFuture);
                        if (Exceptions.peel(failure) instanceof UnprocessedRequestException) {
                            return lost;
                        }
                        forget(lost);
                        logger.warn("Janus at {} did not answer a {} request: {}", apiUrl, plugin,
                                    describe(null, failure));
                        throw new MediameshException(ErrorCode.FAILED_GET_SESSION_HANDLE,
                                                     "The media server did not answer; the request may have been " +
                                                     "carried out.");
                    }
                    int core = errorCode(json);
                    if (core == NO_SUCH_SESSION) {
                        return new Lost(sessionFuture, plugin, handleFuture);
                    }
                    if (core == NO_SUCH_HANDLE) {
                        return new Lost(null, plugin, handleFuture);
                    }
                    return new Answer(pluginData(plugin, json));
                });
            });
        });
    }

    private CompletableFuture<Long> session() {
        synchronized (lock) {
            if (session == null || session.isCompletedExceptionally()) {
                handles.clear();
                CompletableFuture<Long> created = post("", envelope("create")).handle((json, failure) -> {
                    long id = failure == null && errorCode(json) == 0 ? json.path("data").path("id").asLong() : 0;
                    if (id == 0) {
                        logger.warn("Janus at {} gives no session: {}", apiUrl, describe(json, failure));
                        throw new MediameshException(ErrorCode.FAILED_CREATE_NEW_SESSION_HANDLE,
                                                     "The media server gives no session.");
                    }
                    return id;
                });
                session = created;
                // A failed creation is not kept: the next call tries again. It may have failed
                // already (a refused connection), clearing the field at once: hand out the future itself.
                created.whenComplete((id, failure) -> {
                    if (failure != null) {
                        forgetSession(created);
                    }
                });
                return created;
            }
            return session;
        }
    }

    private CompletableFuture<Long> handle(CompletableFuture<Long> sessionFuture, long sessionId, String plugin) {
        synchronized (lock) {
            if (session != sessionFuture) {
                // The session was replaced meanwhile; this attempt fails over to the new one.
                return CompletableFuture.failedFuture(new MediameshException(
                        ErrorCode.FAILED_GET_SESSION_HANDLE, "Janus session replaced."));
            }
            return handles.compute(plugin, (key, existing) -> {
                if (existing != null && !existing.isCompletedExceptionally()) {
                    return existing;
                }
                ObjectNode attach = envelope("attach");
                attach.put("plugin", plugin);
                return post("/" + sessionId, attach).handle((json, failure) -> {
                    long id = failure == null && errorCode(json) == 0 ? json.path("data").path("id").asLong() : 0;
                    if (id == 0) {
                        if (errorCode(json) == NO_SUCH_SESSION) {
                            forgetSession(sessionFuture);
                        }
                        logger.warn("Janus at {} gives no {} handle: {}", apiUrl, plugin, describe(json, failure));
                        throw new MediameshException(ErrorCode.FAILED_GET_SESSION_HANDLE,
                                                     "The media server gives no " + plugin + " handle.");
                    }
                    return id;
                });
            });
        }
    }

    private void forget(Lost lost) {
        if (lost.session() != null) {
            forgetSession(lost.session());
        } else {
            handles.remove(lost.plugin(), lost.handle());
        }
    }

    private void forgetSession(CompletableFuture<Long> stale) {
        synchronized (lock) {
            if (session == stale) {
                session = null;
                handles.clear();
            }
        }
    }

    private CompletableFuture<JsonNode> post(String path, ObjectNode body) {
        byte[] bytes;
        try {
            bytes = MAPPER.writeValueAsBytes(body);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        return client.execute(HttpRequest.builder().post(path).content(MediaType.JSON_UTF_8, bytes).build())
                     .aggregate()
                     .thenApply(JanusClient::parse);
    }

    private static JsonNode parse(AggregatedHttpResponse response) {
        try {
            JsonNode json = MAPPER.readTree(response.contentUtf8());
            if (json == null || !json.isObject()) {
                throw new IllegalStateException("HTTP " + response.status().code() + " without a JSON object");
            }
            return json;
        } catch (IOException e) {
            throw new IllegalStateException("HTTP " + response.status().code() + " with a body that is not JSON", e);
        }
    }

    private static int errorCode(JsonNode json) {
        return json != null && "error".equals(json.path("janus").asText()) ? json.path("error").path("code").asInt(-1)
                                                                             : 0;
    }

    private JsonNode pluginData(String plugin, JsonNode json) {
        if (!"success".equals(json.path("janus").asText())) {
            logger.warn("Janus at {} answered {} with {}", apiUrl, plugin, describe(json, null));
            throw new MediameshException(ErrorCode.FAILED_GET_SESSION_HANDLE,
                                         "The media server answered " + plugin + " with an error.");
        }
        JsonNode data = json.path("plugindata").path("data");
        if (data.has("error_code") || data.has("error")) {
            throw new JanusPluginError(plugin, data.path("error_code").asInt(), data.path("error").asText());
        }
        if (!data.isObject()) {
            throw new MediameshException(ErrorCode.FAILED_GET_SESSION_HANDLE,
                                         "The media server answered " + plugin + " without plugin data.");
        }
        return data;
    }

    private ObjectNode envelope(String janus) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("janus", janus);
        byte[] transaction = new byte[8];
        random.nextBytes(transaction);
        node.put("transaction", HexFormat.of().formatHex(transaction));
        return node;
    }

    private static String describe(JsonNode json, Throwable failure) {
        if (failure != null) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
                                                                                                   : failure;
            return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        }
        if (json == null) {
            return "no answer";
        }
        JsonNode error = json.path("error");
        return error.isObject() ? error.path("code").asInt() + " " + error.path("reason").asText()
                                : json.path("janus").asText();
    }

    private static RuntimeException unwrap(Throwable cause) {
        if (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof RuntimeException e) {
            return e;
        }
        logger.warn("A Janus request failed", cause);
        return new MediameshException(ErrorCode.FAILED_GET_SESSION_HANDLE, "The media server could not be reached.");
    }

    /** A JSON object to fill in as a plugin request body. */
    public static ObjectNode body(String request) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("request", request);
        return node;
    }
}
