package io.mediamesh.gateway.site;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import io.mediamesh.gateway.testing.Browser;
import io.mediamesh.gateway.testing.Browser.Viewport;
import io.mediamesh.gateway.testing.Mesh;
import io.mediamesh.gateway.testing.Rest;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The site on a mesh of its own: first with no ready video at all (the empty states of the home page,
 * of someone's page and of a video's comments, each said plainly and without the page jumping), then
 * with a file server that lets one upload in at a time, so that a second person's upload is refused
 * with a 429 and the page says so, and when it tries again, and goes on once there is room.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SiteEmptyAndBusyBrowserTest {
    @RegisterExtension
    static final Mesh mesh = new Mesh().with("mediamesh.media-svc.file-server.limiter.upload-tokens", 1);

    @RegisterExtension
    static final Browser browser = new Browser(
            () -> Set.of(mesh.gatewayUri(), "http://127.0.0.1:" + mesh.filesPort()));

    private final Rest rest = mesh.rest();

    @BeforeAll
    static void makeClip() throws Exception {
        SiteBrowserTest.makeClip();
    }

    /**
     * Asserts that nothing on the page moved by itself since it loaded: its layout shifts (those not
     * caused by input) add up to less than 0.01, the CLS score of a page that does not jump.
     */
    private static void assertNoLayoutShift(Page page, String what) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> shifts = (List<Map<String, Object>>) page.evaluate(
                "() => new Promise(resolve => { const shifts = [];" +
                " const observer = new PerformanceObserver(list => list.getEntries().filter(e => !e.hadRecentInput)" +
                ".forEach(e => shifts.push({ value: e.value," +
                " moved: e.sources.map(s => s.node ? s.node.outerHTML.slice(0, 100) : '?').join(' | ') })));" +
                " observer.observe({ type: 'layout-shift', buffered: true });" +
                " setTimeout(() => { observer.disconnect(); resolve(shifts); }, 200); })");
        double score = shifts.stream().mapToDouble(shift -> ((Number) shift.get("value")).doubleValue()).sum();
        assertThat(score).as("layout shift on %s: %s", what, shifts).isLessThan(0.01);
    }

    @Order(1)
    @Test
    void emptyListsSaySoWithoutTheLayoutJumping() {
        // A video without its file: it exists, but the home page lists ready videos only.
        String session = rest.register("empty_owner");
        long video = rest.createVideo(session, "empty_owner", "No file yet");
        for (Viewport viewport : Viewport.values()) {
            BrowserContext context = browser.person(viewport);
            Page page = context.newPage();
            page.navigate(mesh.gatewayUri() + "/");
            assertThat(page.locator(".list-status")).hasText("No videos yet. Sign up and upload the first one.");
            assertThat(page.locator(".cards .card")).hasCount(0);
            assertThat(page.locator(".more")).isHidden();
            Browser.screenshot(page, "home-empty", viewport);
            assertThat(Browser.accessibilityViolations(page)).as("axe on %s", "home-empty").isEmpty();
            assertNoLayoutShift(page, "empty home page");

            // Someone's page, looked at by a visitor, while they have no video.
            rest.register("empty_" + viewport.name().toLowerCase(java.util.Locale.ROOT));
            page.navigate(mesh.gatewayUri() + "/u/empty_" + viewport.name().toLowerCase(java.util.Locale.ROOT));
            assertThat(page.locator(".list-status"))
                    .hasText("empty_" + viewport.name().toLowerCase(java.util.Locale.ROOT) + " has no videos yet.");
            assertThat(page.locator("form.create")).hasCount(0);
            Browser.screenshot(page, "user-empty", viewport);
            assertThat(Browser.accessibilityViolations(page)).as("axe on %s", "user-empty").isEmpty();
            assertNoLayoutShift(page, "empty user page");

            // A video without comments, looked at by a visitor: no comments, and how to write one.
            page.navigate(mesh.gatewayUri() + "/v/" + video);
            assertThat(page.locator(".details h1")).hasText("No file yet");
            assertThat(page.locator(".comments .list-status")).hasText("No comments yet.");
            assertThat(page.locator(".comments .notice")).hasText("Sign in to comment.");
            Browser.screenshot(page, "watch-no-comments", viewport);
            assertThat(Browser.accessibilityViolations(page)).as("axe on %s", "watch-no-comments").isEmpty();
            assertNoLayoutShift(page, "video without comments");
            context.close();
        }
        browser.assertClean();
    }

    @Order(2)
    @Test
    void anUploadRefusedWith429SaysWhenItRetriesAndGoesOnOnceThereIsRoom() throws Exception {
        long size = Files.size(SiteBrowserTest.CLIP);
        String firstSession = rest.register("busy_first");
        rest.createVideo(firstSession, "busy_first", "Holding the only slot");
        String secondSession = rest.register("busy_second");
        long second = rest.createVideo(secondSession, "busy_second", "Waiting for a slot");

        // The first person's upload crawls (256 KiB/s), holding the file server's one upload token.
        BrowserContext firstContext = browser.person(Viewport.DESKTOP);
        Page first = firstContext.newPage();
        SiteBrowserTest.signIn(first, mesh.gatewayUri(), "busy_first");
        Browser.limitUplink(firstContext, first, 256 * 1024);
        Locator firstUploader = startUpload(first);
        Browser.waitUntil(first, "() => document.querySelector('.cards progress').value > 128 * 1024");

        BrowserContext context = browser.person(Viewport.DESKTOP);
        Page page = context.newPage();
        SiteBrowserTest.signIn(page, mesh.gatewayUri(), "busy_second");
        List<String> refusals = new CopyOnWriteArrayList<>();
        page.onResponse(response -> {
            if (response.request().method().equals("PATCH") && response.status() == 429) {
                refusals.add(response.headerValue("retry-after"));
            }
        });
        Locator uploader = startUpload(page);
        Locator status = uploader.locator(".upload-status");
        // The envelope's code and message, and when the page tries again (the Retry-After: 1 s).
        assertThat(status).containsText("TOO_MANY_REQUESTS");
        assertThat(status).containsText("upload tokens are in use");
        assertThat(status).containsText("Trying again in 1 s…");
        // While it waits, the bar shows what the server kept (nothing yet), not what left the browser.
        Browser.waitUntil(page, "() => document.querySelector('.cards .upload-status').textContent.includes('Trying again')" +
                                " && document.querySelector('.cards progress').value === 0");
        Browser.screenshot(page, "user-own-upload-429", Viewport.DESKTOP);
        assertThat(refusals).isNotEmpty().allMatch("1"::equals);

        // Room again (the first person pauses): the waiting upload goes on by itself and finishes.
        firstUploader.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Pause")).click();
        // Ready: the list shows the video again, with its file.
        assertThat(page.locator(".cards .card .badge")).hasCount(0,
                new LocatorAssertions.HasCountOptions().setTimeout(60_000));
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                                                              .digest(Files.readAllBytes(SiteBrowserTest.CLIP)));
        JsonNode stored = rest.get("/api/videos/" + second).expect(200, "ok").body().get("video");
        assertThat(stored.get("size").asLong()).isEqualTo(size);
        assertThat(stored.get("sha256").asText()).isEqualToIgnoringCase(sha256);
        // The first person's paused PATCH is Chromium's one complaint.
        assertThat(browser.takeProblems()).allMatch(problem -> problem.contains("net::ERR_"));
        firstContext.close();
        context.close();
    }

    /** Opens the upload panel of the one video on the person's own page and starts sending the clip. */
    private static Locator startUpload(Page page) {
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Upload file")).click();
        Locator uploader = page.locator(".cards .uploader");
        uploader.locator("input[type=file]").setInputFiles(SiteBrowserTest.CLIP);
        uploader.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Upload")).click();
        return uploader;
    }
}
