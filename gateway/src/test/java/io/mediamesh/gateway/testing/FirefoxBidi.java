package io.mediamesh.gateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediamesh.gateway.testing.Browser.Viewport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Debian's Firefox ESR driven over WebDriver BiDi, its own remote protocol: Playwright drives only
 * its patched Firefox build, which cannot be downloaded here. One headless Firefox with a fresh
 * profile and one tab; what its pages log as errors (console errors, uncaught exceptions) and
 * every URL they request are collected, and its prompts (confirm()) are answered on request.
 * Closing it ends the session, stops Firefox and deletes the profile.
 */
public final class FirefoxBidi implements AutoCloseable {
    public static final Path FIREFOX = Paths.get("/usr/bin/firefox-esr");

    /** Quiet Firefox: no update checks, telemetry, safe-browsing lists or portal probes leave the machine. */
    private static final Map<String, Object> PREFS = Map.ofEntries(
            Map.entry("remote.active-protocols", 1),
            Map.entry("browser.shell.checkDefaultBrowser", false),
            Map.entry("browser.startup.homepage_override.mstone", "ignore"),
            Map.entry("app.update.enabled", false),
            Map.entry("app.update.auto", false),
            Map.entry("app.normandy.enabled", false),
            Map.entry("messaging-system.rsexperimentloader.enabled", false),
            Map.entry("datareporting.policy.dataSubmissionEnabled", false),
            Map.entry("datareporting.healthreport.uploadEnabled", false),
            Map.entry("toolkit.telemetry.enabled", false),
            Map.entry("network.captive-portal-service.enabled", false),
            Map.entry("network.connectivity-service.enabled", false),
            Map.entry("browser.safebrowsing.malware.enabled", false),
            Map.entry("browser.safebrowsing.phishing.enabled", false),
            Map.entry("browser.safebrowsing.downloads.enabled", false),
            Map.entry("browser.safebrowsing.update.enabled", false),
            Map.entry("extensions.update.enabled", false),
            Map.entry("extensions.update.autoUpdateDefault", false),
            Map.entry("extensions.getAddons.cache.enabled", false),
            Map.entry("extensions.blocklist.enabled", false),
            Map.entry("services.settings.server", "data:,"),
            Map.entry("media.autoplay.default", 0));

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final ObjectMapper json = new ObjectMapper();
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<String> responses = Collections.synchronizedList(new ArrayList<>());
    private final BlockingQueue<String> prompts = new LinkedBlockingQueue<>();
    private final Path profile;
    private final Process process;
    private final WebSocket socket;
    private final String context;

    /** Starts Firefox headless and opens a session on its first tab. */
    public FirefoxBidi() throws IOException, InterruptedException {
        assertThat(FIREFOX).as("Debian's firefox-esr (./mediamesh test installs it)").exists();
        profile = Files.createTempDirectory("firefox-profile");
        StringBuilder userJs = new StringBuilder();
        PREFS.forEach((name, value) -> userJs.append("user_pref(\"").append(name).append("\", ")
                                             .append(value instanceof String ? '"' + (String) value + '"' : value)
                                             .append(");\n"));
        Files.writeString(profile.resolve("user.js"), userJs);
        Path log = profile.resolve("firefox.log");
        int port = Mesh.freePort();
        process = new ProcessBuilder(FIREFOX.toString(), "--headless", "--no-remote", "--profile", profile.toString(),
                                     "--remote-debugging-port=" + port, "about:blank")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        String listening = "WebDriver BiDi listening on ws://127.0.0.1:" + port;
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!Files.readString(log).contains(listening)) {
            assertThat(process.isAlive()).as("firefox-esr exited: %s", Files.readString(log)).isTrue();
            assertThat(System.nanoTime()).as("firefox-esr never listened: %s", Files.readString(log))
                                         .isLessThan(deadline);
            Thread.sleep(100);
        }
        socket = HttpClient.newHttpClient().newWebSocketBuilder()
                           .buildAsync(URI.create("ws://127.0.0.1:" + port + "/session"), new Listener())
                           .join();
        // Prompts wait for the test's answer (BiDi's default dismisses them at once).
        send("session.new", Map.of("capabilities", Map.of("alwaysMatch",
                Map.of("unhandledPromptBehavior", Map.of("default", "ignore")))));
        context = send("browsingContext.getTree", Map.of()).get("contexts").get(0).get("context").asText();
        send("session.subscribe", Map.of("events", List.of("log.entryAdded", "network.beforeRequestSent",
                                                        "network.responseStarted",
                                                        "browsingContext.userPromptOpened")));
    }

    /** Sends one command and returns its result; an error answer fails the test. */
    public JsonNode send(String method, Map<String, ?> params) {
        long id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode command = json.createObjectNode().put("id", id).put("method", method);
        command.set("params", json.valueToTree(params));
        socket.sendText(command.toString(), true).join();
        JsonNode message = answer.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
        assertThat(message.path("type").asText()).as("%s answered %s", method, message).isEqualTo("success");
        return message.get("result");
    }

    /** Loads {@code url} in the tab and waits for its load event. */
    public void navigate(String url) {
        send("browsingContext.navigate", Map.of("context", context, "url", url, "wait", "complete"));
    }

    /** The tab's URL now. */
    public String url() {
        return send("browsingContext.getTree", Map.of("root", context)).get("contexts").get(0).get("url").asText();
    }

    /**
     * Runs {@code function} (JavaScript, may be async) in the page with {@code args} (JSON values) and
     * returns what it returns, through JSON. Like Playwright's evaluate, it is not page script, so the
     * site's policy (no eval) does not apply.
     */
    public JsonNode call(String function, Object... args) {
        String wrapped = "async (...args) => JSON.stringify((await (" + function + ")(...args)) ?? null)";
        List<Map<String, Object>> arguments = Stream.of(args).map(this::localValue).toList();
        JsonNode result = callRaw(wrapped, arguments);
        try {
            return json.readTree(result.get("value").asText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Map<String, Object> localValue(Object arg) {
        return arg instanceof String text ? Map.of("type", "string", "value", text)
                                          : Map.of("type", "number", "value", arg);
    }

    private JsonNode callRaw(String function, List<?> arguments) {
        JsonNode answer = send("script.callFunction", Map.of("functionDeclaration", function, "arguments", arguments,
                                                             "awaitPromise", true,
                                                             "target", Map.of("context", context)));
        assertThat(answer.get("type").asText()).as("%s threw %s", function, answer.get("exceptionDetails"))
                                               .isEqualTo("success");
        return answer.get("result");
    }

    /** Waits until {@code predicate} (a JavaScript function) returns true in the page. */
    public void waitUntil(String predicate, Object... args) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!call(predicate, args).asBoolean()) {
            assertThat(System.nanoTime()).as("waiting for %s", predicate).isLessThan(deadline);
            sleep();
        }
    }

    /** Waits until an element matching {@code selector} shows {@code text} (its textContent contains it). */
    public void waitForText(String selector, String text) {
        waitUntil("(s, t) => [...document.querySelectorAll(s)].some(e => e.textContent.includes(t))", selector, text);
    }

    /** Types {@code value} into the field {@code selector} as a person would leave it: value set, input event. */
    public void fill(String selector, String value) {
        call("(s, v) => { const e = document.querySelector(s); e.focus(); e.value = v;" +
             " e.dispatchEvent(new Event('input', { bubbles: true })); }", selector, value);
    }

    /** Clicks the first button or link matching {@code selector} whose text is {@code text}. */
    public void click(String selector, String text) {
        waitForText(selector, text);
        call("(s, t) => [...document.querySelectorAll(s)].find(e => e.textContent.trim() === t).click()",
             selector, text);
    }

    /**
     * Clicks like {@link #click} a button that opens a prompt (confirm()), answers it with {@code accept}
     * and returns its message. The click is let go first, as the prompt holds the page's script until
     * it is answered.
     */
    public String clickAndAnswerPrompt(String selector, String text, boolean accept) throws InterruptedException {
        waitForText(selector, text);
        call("(s, t) => { const e = [...document.querySelectorAll(s)].find(e => e.textContent.trim() === t);" +
             " setTimeout(() => e.click()); }", selector, text);
        String message = prompts.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(message).as("a prompt after clicking %s", text).isNotNull();
        send("browsingContext.handleUserPrompt", Map.of("context", context, "accept", accept));
        return message;
    }

    /** Chooses {@code file} in the file input {@code selector}, as the person's file dialog would. */
    public void setFiles(String selector, Path file) {
        JsonNode input = callRaw("s => document.querySelector(s)", List.of(localValue(selector)));
        send("input.setFiles", Map.of("context", context, "element", Map.of("sharedId", input.get("sharedId").asText()),
                                      "files", List.of(file.toAbsolutePath().toString())));
    }

    /** Sets the tab's viewport to {@code viewport}'s size. */
    public void setViewport(Viewport viewport) {
        send("browsingContext.setViewport", Map.of("context", context, "viewport",
                                                   Map.of("width", viewport.width, "height", viewport.height)));
    }

    /** A full-page screenshot as target/screenshots/{name}-{viewport}-firefox.png. */
    public Path screenshot(String name, Viewport viewport) throws IOException {
        String png = send("browsingContext.captureScreenshot", Map.of("context", context, "origin", "document"))
                .get("data").asText();
        Files.createDirectories(Browser.SCREENSHOTS);
        Path file = Browser.SCREENSHOTS.resolve(name + '-' + viewport.name().toLowerCase(Locale.ROOT) + "-firefox.png");
        Files.write(file, Base64.getDecoder().decode(png));
        return file;
    }

    /** Console errors and uncaught exceptions the pages logged so far, then forgets them. */
    public List<String> takeProblems() {
        synchronized (problems) {
            List<String> seen = List.copyOf(problems);
            problems.clear();
            return seen;
        }
    }

    /** Every URL the pages requested so far. */
    public List<String> requestedUrls() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** Every answer the pages got so far (at its headers), as "status url range" (the request's Range or "-"). */
    public List<String> responses() {
        synchronized (responses) {
            return List.copyOf(responses);
        }
    }

    private void onMessage(String text) throws IOException {
        JsonNode message = json.readTree(text);
        if (message.has("id")) {
            CompletableFuture<JsonNode> answer = pending.remove(message.get("id").asLong());
            if (answer != null) {
                answer.complete(message);
            }
            return;
        }
        JsonNode params = message.path("params");
        switch (message.path("method").asText()) {
            case "log.entryAdded" -> {
                if (params.path("level").asText().equals("error")) {
                    problems.add(params.path("type").asText() + " error: " + params.path("text").asText() +
                                 " " + params.path("stackTrace"));
                }
            }
            case "network.beforeRequestSent" -> requests.add(params.path("request").path("url").asText());
            case "network.responseStarted" -> {
                String range = "-";
                for (JsonNode header : params.path("request").path("headers")) {
                    if (header.path("name").asText().equalsIgnoreCase("range")) {
                        range = header.path("value").path("value").asText();
                    }
                }
                responses.add(params.path("response").path("status").asInt() + " " +
                              params.path("request").path("url").asText() + " " + range);
            }
            case "browsingContext.userPromptOpened" -> prompts.add(params.path("message").asText());
            default -> { }
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            send("browser.close", Map.of());
        } catch (RuntimeException | AssertionError e) {
            // Firefox may close the socket before it answers; it is stopped below either way.
        }
        socket.abort();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        try (Stream<Path> files = Files.walk(profile)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Puts a message's fragments together and hands each whole message over. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    onMessage(text);
                } catch (IOException e) {
                    problems.add("unreadable BiDi message: " + e);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            pending.values().forEach(answer -> answer.completeExceptionally(new IOException("BiDi socket closed")));
            return null;
        }
    }
}
