package io.mediamesh.gateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Debian's Chromium (/usr/bin/chromium) driven by Playwright for one test class; the driver comes
 * from the Playwright jar and no browser is downloaded. Every page it opens is watched: console
 * errors, uncaught exceptions, requests to any origin but the allowed ones and a site file that
 * failed to load are collected, for {@link #assertClean()}. Chromium's own console line for an API
 * call answered 4xx ("Failed to load resource") is not counted: those answers are what the pages
 * show (a validation message, a sign-in after a 401), and the tests check that they do.
 */
public final class Browser implements BeforeAllCallback, AfterAllCallback {
    public static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
    /** Where the screenshots go, for a reviewer to look at. */
    public static final Path SCREENSHOTS = Paths.get("target", "screenshots");

    /** The widths pages are looked at: a phone and a desktop. */
    public enum Viewport {
        PHONE(390, 844), DESKTOP(1280, 800);

        final int width;
        final int height;

        Viewport(int width, int height) {
            this.width = width;
            this.height = height;
        }
    }

    private static final String API_REFUSAL = "Failed to load resource: the server responded with a status of 4";

    private final Supplier<Set<String>> allowedOrigins;
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    private Playwright playwright;
    private com.microsoft.playwright.Browser browser;

    /** @param allowedOrigins the origins pages may load from, e.g. the gateway's and its file server's */
    public Browser(Supplier<Set<String>> allowedOrigins) {
        this.allowedOrigins = allowedOrigins;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        assertThat(CHROMIUM).as("Debian's chromium (./mediamesh test installs it)").exists();
        Files.createDirectories(SCREENSHOTS);
        // The machine is shared: what a person would wait for may take a few seconds under load.
        PlaywrightAssertions.setDefaultAssertionTimeout(15_000);
        playwright = Playwright.create(new Playwright.CreateOptions()
                                               .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                                                       .setExecutablePath(CHROMIUM)
                                                       .setHeadless(true)
                                                       .setArgs(List.of("--autoplay-policy=no-user-gesture-required",
                                                                        // A test pattern and a tone for camera and
                                                                        // microphone, granted without asking.
                                                                        "--use-fake-device-for-media-stream",
                                                                        "--use-fake-ui-for-media-stream")));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (playwright != null) {
            playwright.close();
        }
    }

    /** A new person: a fresh context (no cookies, no storage) at {@code viewport}. */
    public BrowserContext person(Viewport viewport) {
        BrowserContext context = browser.newContext(new com.microsoft.playwright.Browser.NewContextOptions()
                                                            .setViewportSize(viewport.width, viewport.height)
                                                            .setLocale("en-GB"));
        context.setDefaultTimeout(15_000);
        context.onPage(this::watch);
        return context;
    }

    private void watch(Page page) {
        page.onConsoleMessage(message -> {
            if (message.type().equals("error") && !message.text().startsWith(API_REFUSAL)) {
                problems.add("console error on " + page.url() + ": " + message.text());
            }
        });
        page.onPageError(error -> problems.add("uncaught on " + page.url() + ": " + error));
        page.onRequest(request -> {
            URI uri = URI.create(request.url());
            String origin = uri.getScheme() + "://" + uri.getAuthority();
            if (!allowedOrigins.get().contains(origin)) {
                problems.add("request outside the site: " + request.url());
            }
        });
        page.onResponse(response -> {
            String path = URI.create(response.url()).getPath();
            // Janus's API (a room's server_url, at /janus) is no site file: a long poll of a session the
            // page just ended, for one, is answered 404.
            boolean siteFile = path.startsWith("/assets/") ||
                               !path.startsWith("/api/") && !path.startsWith("/upload/") && !path.startsWith("/janus");
            if (siteFile && response.status() >= 400) {
                problems.add(response.status() + " for " + response.url());
            }
        });
    }

    /** Console errors, uncaught exceptions and foreign requests seen so far, then forgets them. */
    public List<String> takeProblems() {
        synchronized (problems) {
            List<String> seen = List.copyOf(problems);
            problems.clear();
            return seen;
        }
    }

    /** Asserts that no page had a console error, an uncaught exception or a request outside the site. */
    public void assertClean() {
        assertThat(takeProblems()).isEmpty();
    }

    /**
     * The serious and critical accessibility violations axe-core finds on the page, as "rule: targets",
     * plus WCAG's reflow criterion, which axe does not check: the page must not be wider than the
     * window (no sideways scrolling on a phone). axe is evaluated through the DevTools protocol, as the
     * site's policy allows no injected script.
     */
    @SuppressWarnings("unchecked")
    public static List<String> accessibilityViolations(Page page) {
        if (!Boolean.TRUE.equals(page.evaluate("() => typeof window.axe === 'object'"))) {
            page.evaluate(AxeSource.TEXT);
        }
        return (List<String>) page.evaluate(
                "async () => (await axe.run(document, { resultTypes: ['violations'] })).violations" +
                ".filter(v => v.impact === 'serious' || v.impact === 'critical')" +
                ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(' | '))" +
                ".concat(document.documentElement.scrollWidth > window.innerWidth" +
                " ? ['reflow: the page is ' + document.documentElement.scrollWidth + ' px wide in a window of ' +" +
                " window.innerWidth + ' px'] : [])");
    }

    /** axe-core's script, from its WebJar, read once. */
    private static final class AxeSource {
        static final String TEXT = read();

        private static String read() {
            String path = "META-INF/resources/webjars/axe-core/4.6.3/axe.min.js";
            try (var in = Browser.class.getClassLoader().getResourceAsStream(path)) {
                assertThat(in).as(path).isNotNull();
                return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /**
     * Waits until {@code predicate} (a JavaScript function) is true on the page. Playwright's
     * waitForFunction compiles its text inside the page, which the site's policy (no unsafe-eval)
     * rightly forbids; evaluate runs through the DevTools protocol instead.
     */
    public static void waitUntil(Page page, String predicate) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!Boolean.TRUE.equals(page.evaluate(predicate))) {
            assertThat(System.nanoTime()).as("waiting for %s", predicate).isLessThan(deadline);
            page.waitForTimeout(100);
        }
    }

    /** Limits the page's uplink to {@code bytesPerSecond} through DevTools; the session, to change it later. */
    public static CDPSession limitUplink(BrowserContext context, Page page, int bytesPerSecond) {
        CDPSession devTools = context.newCDPSession(page);
        devTools.send("Network.enable");
        limitUplink(devTools, bytesPerSecond);
        return devTools;
    }

    /** Sets the uplink of the page behind {@code devTools} to {@code bytesPerSecond}, or no limit for -1. */
    public static void limitUplink(CDPSession devTools, int bytesPerSecond) {
        JsonObject conditions = new JsonObject();
        conditions.addProperty("offline", false);
        conditions.addProperty("latency", 0);
        conditions.addProperty("downloadThroughput", -1);
        conditions.addProperty("uploadThroughput", bytesPerSecond);
        devTools.send("Network.emulateNetworkConditions", conditions);
    }

    /** A full-page screenshot as target/screenshots/{name}-{viewport}.png. */
    public static Path screenshot(Page page, String name, Viewport viewport) {
        Path file = SCREENSHOTS.resolve(name + '-' + viewport.name().toLowerCase(java.util.Locale.ROOT) + ".png");
        page.screenshot(new Page.ScreenshotOptions().setPath(file).setFullPage(true));
        return file;
    }
}
