package io.mediamesh.gateway.site;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.HttpMethod;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import io.mediamesh.gateway.testing.Browser;
import io.mediamesh.gateway.testing.Browser.Viewport;
import io.mediamesh.gateway.testing.CuttingProxy;
import io.mediamesh.gateway.testing.Mesh;
import io.mediamesh.gateway.testing.Rest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The web site in Debian's Chromium against the real mesh: sign up, create a video, upload a real
 * WebM by tus, watch it (it plays, and a seek is a Range request answered 206), comment; what
 * another person may not do; sign-out, a session ended on the server, a 429; screenshots of every
 * page at phone and desktop width under target/screenshots/, each scanned by axe-core. Every page is
 * checked for console errors and for requests outside the site: the gateway's origin and its file server's (the same
 * host, media-svc's port, where /stream/videos/:vid redirects the player), nothing else.
 */
class SiteBrowserTest {
    static final Path CLIP = Paths.get("target", "browser-clip.webm");

    @RegisterExtension
    static final Mesh mesh = new Mesh();

    /** The origin of a proxy in front of the gateway, while a test uses one: the site too. */
    private static volatile String proxyOrigin = "";

    @RegisterExtension
    static final Browser browser = new Browser(
            () -> Set.of(mesh.gatewayUri(), "http://127.0.0.1:" + mesh.filesPort(), proxyOrigin));

    private final Rest rest = mesh.rest();

    /**
     * A real WebM (VP8, 30 s, about 9 MB), made once. Chromium reads ahead of the player by at least
     * 2 MB plus 1 MB (10 s of bitrate when it is known), so a seek to 80% lies beyond what it may already
     * hold and is a Range request of its own; with the earlier 2.4 MB clip it sometimes was not.
     */
    @BeforeAll
    static void makeClip() throws IOException, InterruptedException {
        if (Files.exists(CLIP)) {
            return;
        }
        Process ffmpeg = new ProcessBuilder("ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i",
                                            "testsrc2=s=640x360:r=25", "-t", "30", "-c:v", "libvpx", "-deadline",
                                            "realtime", "-cpu-used", "8", "-crf", "4", "-b:v", "8M", "-g", "25",
                                            "-y", CLIP.toString())
                .inheritIO().start();
        assertThat(ffmpeg.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(ffmpeg.exitValue()).as("ffmpeg (./mediamesh test installs it)").isZero();
    }

    @Test
    void aNewPersonSignsUpUploadsWatchesAndComments() {
        Viewport viewport = Viewport.DESKTOP;
        BrowserContext context = browser.person(viewport);
        Page page = context.newPage();
        page.navigate(mesh.gatewayUri() + "/");
        page.locator("#account").getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Sign up")).click();
        assertThat(page).hasURL(mesh.gatewayUri() + "/signup");

        // The API's validation message next to its field.
        page.getByLabel("User name").fill("web_ann");
        page.getByLabel("Password").fill("short");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create account")).click();
        assertThat(page.locator("#f-pwd-error")).containsText("INVALID_PASSWORD");
        assertThat(page.getByLabel("Password")).hasAttribute("aria-invalid", "true");
        Browser.screenshot(page, "signup-invalid", viewport);
        page.getByLabel("Password").fill("a good long password");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create account")).click();
        assertThat(page).hasURL(mesh.gatewayUri() + "/u/web_ann");
        assertThat(page.locator(".account .me")).hasText("web_ann");
        assertThat(page.getByText("You have no videos yet.")).isVisible();

        page.getByLabel("Title").fill("Test pattern");
        page.getByLabel("Description (optional)").fill("Colour bars, made by ffmpeg.");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create")).click();
        Locator uploader = page.locator(".new-upload .uploader");
        uploader.locator("input[type=file]").setInputFiles(CLIP);
        // Every value the progress bar takes, as the person sees it.
        page.evaluate("() => { window.progressSeen = []; const bar = document.querySelector('.new-upload progress');" +
                      " new MutationObserver(() => window.progressSeen.push([bar.value, bar.max]))" +
                      ".observe(bar, { attributes: true }); }");
        uploader.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Upload")).click();
        assertThat(uploader.locator(".upload-status")).hasText("Ready to watch.");
        assertThat(uploader.locator(".figures")).containsText("(100%)");
        @SuppressWarnings("unchecked")
        List<List<Number>> progress = (List<List<Number>>) page.evaluate("() => window.progressSeen");
        long size = CLIP.toFile().length();
        assertThat(progress).isNotEmpty();
        assertThat(progress.get(progress.size() - 1).get(0).longValue()).isEqualTo(size);
        Browser.screenshot(page, "user-own-uploaded", viewport);

        List<Response> fileServer = new CopyOnWriteArrayList<>();
        page.onResponse(response -> {
            if (response.url().startsWith("http://127.0.0.1:" + mesh.filesPort() + "/stream/videos/")) {
                fileServer.add(response);
            }
        });
        page.locator(".cards").getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Test pattern")).click();
        assertThat(page).hasURL(java.util.regex.Pattern.compile("/v/\\d+$"));
        assertThat(page.locator(".details h1")).hasText("Test pattern");
        assertThat(page.locator(".details .meta")).containsText("web_ann");
        assertThat(page.locator(".description")).hasText("Colour bars, made by ffmpeg.");

        // A seek (here before playing, while the player holds only the start) is a Range request of its
        // own, answered 206 by the file server; then it plays from there.
        Browser.waitUntil(page, "() => document.querySelector('video').readyState >= 1");
        page.evaluate("() => { const v = document.querySelector('video'); v.currentTime = v.duration * 0.8; }");
        Browser.waitUntil(page, "() => { const v = document.querySelector('video'); return !v.seeking && v.readyState >= 3; }");
        List<String> exchanges = fileServer.stream()
                                           .map(response -> response.status() + " " +
                                                            response.request().allHeaders().get("range") + " " +
                                                            response.allHeaders().get("content-range"))
                                           .toList();
        assertThat(exchanges).as("the file server's answers to the player")
                             // Chromium lets go of a media request once it has what it wants, and
                             // Playwright then has no headers of its answer to show.
                             .anyMatch(exchange -> exchange.matches("206 bytes=[1-9]\\d*-\\d* (null|bytes \\d+-\\d+/" +
                                                                    size + ")"));
        page.evaluate("() => { const v = document.querySelector('video'); v.muted = true; return v.play(); }");
        Browser.waitUntil(page, "() => { const v = document.querySelector('video');" +
                        " return v.readyState >= 3 && v.currentTime > v.duration * 0.8 + 0.5; }");

        // A comment: post it, see it, delete it.
        assertThat(page.getByText("No comments yet.")).isVisible();
        page.getByLabel("Your comment").fill("Lovely colours");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Post comment")).click();
        Locator comment = page.locator(".comment-list .comment").first();
        assertThat(comment.locator(".content")).hasText("Lovely colours");
        assertThat(comment.locator(".meta")).containsText("web_ann");
        Browser.screenshot(page, "watch-own", viewport);
        comment.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Delete comment by web_ann")).click();
        assertThat(page.locator(".comment-list .comment")).hasCount(0);
        assertThat(page.getByText("No comments yet.")).isVisible();

        // Deleting the video asks first: declined, nothing happens; confirmed, it is gone.
        page.locator("#account .me").click();
        Locator delete = page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Delete Test pattern"));
        page.onceDialog(dialog -> dialog.dismiss());
        delete.click();
        assertThat(page.locator(".cards .card")).hasCount(1);
        page.onceDialog(dialog -> {
            assertThat(dialog.message()).contains("Delete \"Test pattern\"?");
            dialog.accept();
        });
        delete.click();
        assertThat(page.getByText("You have no videos yet.")).isVisible();
        assertThat(rest.get("/api/user/web_ann/videos").body().get("videos")).isEmpty();
        browser.assertClean();
        context.close();
    }

    @Test
    void anUploadCutHalfwayResumesFromTheServersOffset() throws Exception {
        String session = rest.register("web_tunnel");
        long video = rest.createVideo(session, "web_tunnel", "Through the tunnel");
        long size = Files.size(CLIP);
        try (CuttingProxy proxy = new CuttingProxy(mesh.gatewayPort())) {
            proxyOrigin = proxy.uri();
            BrowserContext context = browser.person(Viewport.DESKTOP);
            Page page = context.newPage();
            signIn(page, proxy.uri(), "web_tunnel");
            List<String> offsets = new CopyOnWriteArrayList<>();
            List<String> exchanges = new CopyOnWriteArrayList<>();
            page.onResponse(response -> {
                if (response.url().contains("/upload/resumable")) {
                    exchanges.add(response.request().method() + " " + response.status() + " " +
                                  response.allHeaders().get("upload-offset"));
                }
                if (response.request().method().equals("HEAD") && response.url().contains("/upload/resumable/")) {
                    offsets.add(response.headerValue("upload-offset"));
                }
            });
            page.onRequestFailed(request -> exchanges.add(request.method() + " failed " + request.failure()));
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Upload file")).click();
            Locator uploader = page.locator(".cards .uploader");
            uploader.locator("input[type=file]").setInputFiles(CLIP);
            proxy.cutOnceAfter(size / 2);
            uploader.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Upload")).click();
            // Ready: the list shows the video again, with its file. The page retries with a growing
            // back-off (0.5 s doubling), and the server may still hold the cut PATCH for a moment (409
            // UPLOAD_IN_PROGRESS), so on a loaded machine this takes several retries.
            try {
                assertThat(page.locator(".cards .card .badge")).hasCount(0,
                        new LocatorAssertions.HasCountOptions().setTimeout(60_000));
            } catch (AssertionError e) {
                throw new AssertionError("Not ready; the upload's exchanges: " + exchanges + "; the panel: " +
                                         uploader.innerText(), e);
            }
            assertThat(page.locator(".cards .card")).hasCount(1);
            assertThat(proxy.didCut()).isTrue();
            // It went on from what the server had kept, not from the start.
            assertThat(offsets).as("the upload's exchanges %s", exchanges).isNotEmpty();
            assertThat(Long.parseLong(offsets.get(0))).isGreaterThan(0).isLessThan(size);
            String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(CLIP)));
            JsonNode stored = rest.get("/api/videos/" + video).expect(200, "ok").body().get("video");
            assertThat(stored.get("size").asLong()).isEqualTo(size);
            assertThat(stored.get("sha256").asText()).isEqualToIgnoringCase(sha256);
            // The cut itself is the one thing Chromium reports.
            assertThat(browser.takeProblems()).allMatch(problem -> problem.contains("net::ERR_"));
            context.close();
        } finally {
            proxyOrigin = "";
        }
    }

    @Test
    void anUploadPausesAndResumes() throws Exception {
        String session = rest.register("web_pauser");
        long video = rest.createVideo(session, "web_pauser", "Paused halfway");
        long size = Files.size(CLIP);
        BrowserContext context = browser.person(Viewport.DESKTOP);
        Page page = context.newPage();
        signIn(page, mesh.gatewayUri(), "web_pauser");
        // A slow uplink (1 MiB/s), so that there is time to pause.
        CDPSession devTools = Browser.limitUplink(context, page, 1024 * 1024);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Upload file")).click();
        Locator uploader = page.locator(".cards .uploader");
        uploader.locator("input[type=file]").setInputFiles(CLIP);
        uploader.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Upload")).click();
        Browser.waitUntil(page, "() => document.querySelector('.cards progress').value > " + size / 10);
        uploader.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Pause")).click();
        assertThat(uploader.locator(".upload-status")).hasText("Paused. The part sent so far stays on the server.");
        Locator resume = uploader.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Resume"));
        assertThat(resume).isVisible();
        Object pausedAt = page.evaluate("() => document.querySelector('.cards progress').value");
        page.waitForTimeout(500);
        assertThat(page.evaluate("() => document.querySelector('.cards progress').value")).isEqualTo(pausedAt);
        assertThat(((Number) pausedAt).longValue()).isLessThan(size);
        Browser.screenshot(page, "user-own-upload-paused", Viewport.DESKTOP);

        Browser.limitUplink(devTools, -1);
        resume.click();
        assertThat(page.locator(".cards .card .badge")).hasCount(0);
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(CLIP)));
        JsonNode stored = rest.get("/api/videos/" + video).expect(200, "ok").body().get("video");
        assertThat(stored.get("sha256").asText()).isEqualToIgnoringCase(sha256);
        // The aborted PATCH is Chromium's one complaint.
        assertThat(browser.takeProblems()).allMatch(problem -> problem.contains("net::ERR_"));
        context.close();
    }

    @Test
    void anotherPersonSeesNoDeleteButtonsAndTheApiRefusesThem() {
        String owner = rest.register("web_owner");
        long video = readyVideo(owner, "web_owner", "Owner's clip");
        rest.postComment(owner, video, "Owner's own words");

        BrowserContext context = browser.person(Viewport.DESKTOP);
        Page page = context.newPage();
        signUp(page, "web_other");
        page.navigate(mesh.gatewayUri() + "/v/" + video);
        assertThat(page.locator(".comment-list .comment")).hasCount(1);
        page.getByLabel("Your comment").fill("Mine");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Post comment")).click();
        assertThat(page.locator(".comment-list .comment")).hasCount(2);
        // Their own comment has a delete button; the owner's video and comment have none.
        assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Delete comment by web_other")))
                .hasCount(1);
        assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Delete comment by web_owner")))
                .hasCount(0);
        assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Delete video"))).hasCount(0);
        Browser.screenshot(page, "watch-other", Viewport.DESKTOP);
        page.navigate(mesh.gatewayUri() + "/u/web_owner");
        assertThat(page.locator(".cards .card")).hasCount(1);
        assertThat(page.locator(".cards button")).hasCount(0);
        assertThat(page.locator("form.create")).hasCount(0);
        Browser.screenshot(page, "user-other", Viewport.DESKTOP);

        // And the API refuses them, with the person's own cookie.
        long ownerComment = rest.get("/api/videos/" + video + "/comments").body().get("comments").get(1)
                                .get("id").asLong();
        Object videoStatus = page.evaluate("path => fetch(path, { method: 'DELETE' }).then(r => r.status)",
                                           "/api/videos/" + video);
        Object commentStatus = page.evaluate("path => fetch(path, { method: 'DELETE' }).then(r => r.status)",
                                             "/api/videos/" + video + "/comments/" + ownerComment);
        assertThat(videoStatus).isEqualTo(403);
        assertThat(commentStatus).isEqualTo(403);
        rest.get("/api/videos/" + video).expect(200, "ok");
        assertThat(rest.get("/api/videos/" + video + "/comments").body().get("comments")).hasSize(2);
        browser.assertClean();
        context.close();
    }

    @Test
    void signOutAndASessionEndedOnTheServerAreShown() {
        String owner = rest.register("web_host");
        long video = rest.createVideo(owner, "web_host", "No file yet");
        BrowserContext context = browser.person(Viewport.DESKTOP);
        Page page = context.newPage();
        signUp(page, "web_leaver");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign out")).click();
        assertThat(page).hasURL(mesh.gatewayUri() + "/");
        assertThat(page.locator("#account").getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Sign in")))
                .isVisible();
        assertThat(context.cookies()).noneMatch(cookie -> cookie.name.equals("session"));

        // Signed in again, then the session ends on the server (as when it expires).
        page.locator("#account").getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Sign in")).click();
        page.getByLabel("User name").fill("web_leaver");
        page.getByLabel("Password").fill("password-web_leaver");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
        assertThat(page).hasURL(mesh.gatewayUri() + "/u/web_leaver");
        page.navigate(mesh.gatewayUri() + "/v/" + video);
        assertThat(page.locator(".details h1")).hasText("No file yet");
        String session = context.cookies().stream().filter(cookie -> cookie.name.equals("session"))
                                .map(cookie -> cookie.value).findFirst().orElseThrow();
        rest.post("/api/logout", null, "X-Session-Id", session).expect(204);

        // The next call the page makes is a 401: to sign-in, and back to where they were.
        page.getByLabel("Your comment").fill("Too late");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Post comment")).click();
        assertThat(page).hasURL(mesh.gatewayUri() + "/signin?next=%2Fv%2F" + video + "&expired=1");
        assertThat(page.getByText("Your session ended. Sign in again to go on.")).isVisible();
        assertThat(page.locator("#account").getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Sign up")))
                .isVisible();
        Browser.screenshot(page, "signin-expired", Viewport.DESKTOP);
        page.getByLabel("User name").fill("web_leaver");
        page.getByLabel("Password").fill("password-web_leaver");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
        assertThat(page).hasURL(mesh.gatewayUri() + "/v/" + video);
        assertThat(rest.get("/api/videos/" + video + "/comments").body().get("comments")).isEmpty();

        // A session ended while no page was open shows on the next load.
        String again = context.cookies().stream().filter(cookie -> cookie.name.equals("session"))
                              .map(cookie -> cookie.value).findFirst().orElseThrow();
        rest.post("/api/logout", null, "X-Session-Id", again).expect(204);
        page.navigate(mesh.gatewayUri() + "/");
        assertThat(page.locator("#account").getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Sign in")))
                .isVisible();
        browser.assertClean();
        context.close();
    }

    @Test
    void tooManyFailedSignInsShowWhenToRetry() {
        rest.register("web_guessed");
        BrowserContext context = browser.person(Viewport.DESKTOP);
        Page page = context.newPage();
        page.navigate(mesh.gatewayUri() + "/signin");
        page.getByLabel("User name").fill("web_guessed");
        Locator code = page.locator("form .error .code");
        for (int attempt = 0; attempt < 10; attempt++) {
            page.getByLabel("Password").fill("wrong password " + attempt);
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
            Browser.waitUntil(page, "() => !document.querySelector('form button[type=submit]').disabled" +
                            " && !!document.querySelector('form .error')");
            if (code.textContent().equals("TOO_MANY_REQUESTS")) {
                break;
            }
            assertThat(code).hasText("INVALID_CREDENTIALS");
        }
        assertThat(code).hasText("TOO_MANY_REQUESTS");
        assertThat(page.locator("form .error .retry")).containsText(java.util.regex.Pattern.compile("Try again in \\d+ s"));
        assertThat(page).hasURL(mesh.gatewayUri() + "/signin");
        Browser.screenshot(page, "signin-429", Viewport.DESKTOP);
        browser.assertClean();
        context.close();
    }

    /**
     * Every page at a phone's and a desktop's width, for a reviewer; none has a serious or critical
     * accessibility violation (axe-core), a console error or a foreign request.
     */
    @ParameterizedTest
    @EnumSource(Viewport.class)
    void everyPageAtBothWidths(Viewport viewport) {
        String name = "web_shot_" + viewport.name().toLowerCase(java.util.Locale.ROOT);
        String session = rest.register(name);
        long video = readyVideo(session, name, "A walk by the sea, filmed on a windy afternoon");
        rest.postComment(session, video, "First!");
        rest.post("/api/user/" + name + "/videos", Rest.json("name", "Waiting for its file"), "X-Session-Id", session)
            .expect(201);
        BrowserContext context = browser.person(viewport);
        Page page = context.newPage();
        page.navigate(mesh.gatewayUri() + "/");
        assertThat(page.locator(".cards .card").first()).isVisible();
        Browser.screenshot(page, "home", viewport);
        assertThat(Browser.accessibilityViolations(page)).as("axe on %s", "home").isEmpty();
        page.navigate(mesh.gatewayUri() + "/signup");
        Browser.screenshot(page, "signup", viewport);
        assertThat(Browser.accessibilityViolations(page)).as("axe on %s", "signup").isEmpty();
        page.navigate(mesh.gatewayUri() + "/signin");
        Browser.screenshot(page, "signin", viewport);
        assertThat(Browser.accessibilityViolations(page)).as("axe on %s", "signin").isEmpty();
        page.getByLabel("User name").fill(name);
        page.getByLabel("Password").fill("password-" + name);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
        assertThat(page).hasURL(mesh.gatewayUri() + "/u/" + name);
        assertThat(page.locator(".cards .card")).hasCount(2);
        Browser.screenshot(page, "user-own", viewport);
        assertThat(Browser.accessibilityViolations(page)).as("axe on %s", "user-own").isEmpty();
        page.locator(".cards .card", new Page.LocatorOptions().setHasText("Waiting for its file"))
            .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Upload file")).click();
        assertThat(page.locator(".cards .uploader")).isVisible();
        Browser.screenshot(page, "user-own-upload-panel", viewport);
        assertThat(Browser.accessibilityViolations(page)).as("axe on %s", "user-own-upload-panel").isEmpty();
        page.navigate(mesh.gatewayUri() + "/v/" + video);
        assertThat(page.locator(".comment-list .comment")).hasCount(1);
        Browser.waitUntil(page, "() => document.querySelector('video').readyState >= 1");
        Browser.screenshot(page, "watch", viewport);
        assertThat(Browser.accessibilityViolations(page)).as("axe on %s", "watch").isEmpty();
        page.navigate(mesh.gatewayUri() + "/v/999999");
        assertThat(page.locator(".details .error .code")).hasText("VIDEO_NOT_FOUND");
        Browser.screenshot(page, "watch-not-found", viewport);
        assertThat(Browser.accessibilityViolations(page)).as("axe on %s", "watch-not-found").isEmpty();
        browser.assertClean();
        context.close();
    }

    /** Signs in on the site at {@code origin} as a user registered by {@link Rest#register}. */
    static void signIn(Page page, String origin, String name) {
        page.navigate(origin + "/signin");
        page.getByLabel("User name").fill(name);
        page.getByLabel("Password").fill("password-" + name);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
        assertThat(page).hasURL(origin + "/u/" + name);
    }

    private void signUp(Page page, String name) {
        page.navigate(mesh.gatewayUri() + "/signup");
        page.getByLabel("User name").fill(name);
        page.getByLabel("Password").fill("password-" + name);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create account")).click();
        assertThat(page).hasURL(mesh.gatewayUri() + "/u/" + name);
    }

    /** A video of {@code userName} with the clip as its file (uploaded over REST, not the subject here). */
    private long readyVideo(String session, String userName, String title) {
        long video = rest.createVideo(session, userName, title);
        try {
            rest.sendBytes(HttpMethod.POST, "/upload/videos/" + video, Files.readAllBytes(CLIP),
                           "X-Session-Id", session, "content-type", "video/webm").expect(200, "ok");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return video;
    }
}
