package io.mediamesh.launcher.plane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * The gateway's REST API as the admin: a session from {@code /api/login}, then calls with it. The
 * password, the session and the documents (which hold secrets) travel in requests only, never on a
 * command line. A call gives up (InterruptedException) once {@code abandoned} holds, e.g. after Ctrl-C
 * during an apply, which may take minutes.
 */
public final class AdminApi {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT = Duration.ofSeconds(5);
    private static final long POLL_MILLIS = 200;

    private final HttpClient http;
    private final URI gateway;
    private final String session;
    private final BooleanSupplier abandoned;

    private AdminApi(HttpClient http, URI gateway, String session, BooleanSupplier abandoned) {
        this.http = http;
        this.gateway = gateway;
        this.session = session;
        this.abandoned = abandoned;
    }

    /** Logs in as {@code user} at {@code gateway} (e.g. http://127.0.0.1:8080). */
    public static AdminApi login(URI gateway, String user, String password, BooleanSupplier abandoned)
            throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT).build();
        String body = JSON.createObjectNode().put("user_name", user).put("pwd", password).toString();
        HttpRequest login = HttpRequest.newBuilder(gateway.resolve("/api/login"))
                                       .header("Content-Type", "application/json")
                                       .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        String session = "";
        try {
            HttpResponse<String> answer = await(http.sendAsync(login, HttpResponse.BodyHandlers.ofString()), abandoned);
            if (answer.statusCode() == 200) {
                session = JSON.readTree(answer.body()).at("/response/session_id").asText();
            }
        } catch (IOException refused) {
            // Said below, as for a refused login.
        }
        if (session.isEmpty()) {
            throw new IOException("cannot log in as the admin at " + gateway + ": is the mesh up (./mediamesh up)?");
        }
        return new AdminApi(http, gateway, session, abandoned);
    }

    /** GET {@code path}: its JSON body. */
    public JsonNode get(String path) throws IOException, InterruptedException {
        return JSON.readTree(call("GET", path, null));
    }

    public void put(String path, JsonNode body) throws IOException, InterruptedException {
        call("PUT", path, body);
    }

    public void post(String path, JsonNode body) throws IOException, InterruptedException {
        call("POST", path, body);
    }

    /** POST {@code path}: its body as it is (the apply's newline-delimited JSON). */
    public String postForText(String path, JsonNode body) throws IOException, InterruptedException {
        return call("POST", path, body);
    }

    /** The body of a 2xx answer; any other fails with the method, path, status and body. */
    private String call(String method, String path, JsonNode body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(gateway.resolve(path)).header("Content-Type", "application/json")
                                         .header("X-Session-Id", session)
                                         .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                                                                      : HttpRequest.BodyPublishers.ofString(body.toString()))
                                         .build();
        HttpResponse<String> answer = await(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()), abandoned);
        if (answer.statusCode() / 100 != 2) {
            throw new IOException(method + " " + path + ": HTTP " + answer.statusCode() + " " + answer.body());
        }
        return answer.body();
    }

    private static <T> T await(CompletableFuture<T> call, BooleanSupplier abandoned)
            throws IOException, InterruptedException {
        try {
            while (true) {
                try {
                    return call.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException notYet) {
                    if (abandoned.getAsBoolean()) {
                        call.cancel(true);
                        throw new InterruptedException("a call to the gateway was abandoned");
                    }
                }
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }
}
