package io.mediamesh.gateway.site;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.mediamesh.gateway.site.VideoRoomBrowserTest.number;
import static io.mediamesh.gateway.site.VideoRoomBrowserTest.received;
import static io.mediamesh.gateway.testing.Rest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.mediamesh.gateway.testing.Browser;
import io.mediamesh.gateway.testing.Browser.Viewport;
import io.mediamesh.gateway.testing.RoomSite;
import io.mediamesh.media.testing.NginxInstance;
import io.mediamesh.media.testing.RoomMesh;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Live streams in Debian's Chromium against real Janus servers (origin, relay, two edges) whose ICE
 * candidates are on a veth address of a network namespace the mesh made: the owner makes a stream on
 * the site and runs the very ffmpeg command line the page shows (test pattern and tone as RTP into the
 * origin's ingest); viewers play it over WebRTC from the edge `watch` chose, the second on the other
 * edge by load, counted in WebRTC's own statistics; stopping the forwarding stops the picture and the
 * pages say so; an edge that cannot be reached, or a stream that is not live, is said to be so.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveStreamBrowserTest {
    @RegisterExtension
    static final RoomSite site = RoomSite.over(new RoomMesh().withBrowserMedia().withEdges(2));

    /** The requests the pages got a 5xx for ("METHOD path"). */
    private static final List<String> serverErrors = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void forgetServerErrors() {
        serverErrors.clear();
    }

    @Test
    @Order(1)
    void aStreamFedByThePagesFfmpegCommandPlaysFromEachEdgeUntilForwardingStops() throws Exception {
        site.rest().register("ls_owner");
        Page owner = person(Viewport.DESKTOP);
        SiteBrowserTest.signIn(owner, site.origin(), "ls_owner");
        owner.navigate(site.origin() + "/rooms");
        owner.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("live stream")).click();
        assertThat(owner.locator(".paged")).containsText("You have no live streams yet.");
        assertThat(Browser.accessibilityViolations(owner)).isEmpty();
        Browser.screenshot(owner, "streams-empty", Viewport.DESKTOP);
        // Nothing to carry, then no name: each refused with its reason, and no stream is made.
        owner.getByLabel("Video (VP8)").uncheck();
        owner.getByLabel("Sound (Opus)").uncheck();
        owner.getByLabel("Name").fill("Nothing");
        owner.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create stream")).click();
        assertThat(owner.locator("#f-name-error")).containsText("INVALID_REQUEST");
        owner.getByLabel("Video (VP8)").check();
        owner.getByLabel("Sound (Opus)").check();
        owner.getByLabel("Name").fill("   ");
        owner.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create stream")).click();
        assertThat(owner.locator("#f-name-error")).containsText("INVALID_REQUEST");
        assertThat(owner).hasURL(site.origin() + "/streams");
        assertThat(owner.locator(".paged")).containsText("You have no live streams yet.");
        owner.getByLabel("Name").fill("Launch");
        owner.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create stream")).click();
        assertThat(owner).hasURL(Pattern.compile(".*/streams/\\d+$"));
        String streamUrl = owner.url();
        assertThat(owner.locator("h1")).hasText("Launch");
        assertThat(owner.locator(".room-head .meta")).containsText("Not live");
        assertThat(owner.locator(".ingest-lines tbody tr")).hasCount(2);

        long id = Long.parseLong(streamUrl.substring(streamUrl.lastIndexOf('/') + 1));
        JsonNode ingest = site.rest().get("/api/streams/" + id, "X-Session-Id",
                                          site.rest().login("ls_owner", "password-ls_owner"))
                                     .expect(200, "ok").body().get("stream").get("ingest");
        String command = owner.locator(".command").textContent();
        for (JsonNode line : ingest.get("ports")) {
            assertThat(command).contains("-ssrc " + line.get("ssrc").asLong() + " -payload_type " +
                                         line.get("payload_type").asInt());
        }
        Process ffmpeg = run(command);
        Page first = null;
        Page second = null;
        try {
            owner.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send to viewers")).click();
            assertThat(owner.locator(".forward-state")).hasText("Sent to edges");
            assertThat(owner.locator(".edges tbody tr")).hasCount(2);

            // The first viewer plays it from one edge; the second goes to the other one.
            site.rest().register("ls_viewer");
            first = person(Viewport.PHONE);
            SiteBrowserTest.signIn(first, site.origin(), "ls_viewer");
            first.navigate(streamUrl);
            String firstEdge = playing(first);
            assertThat(edgeRow(owner, firstEdge, 1)).isVisible();
            second = person(Viewport.DESKTOP);
            second.navigate(streamUrl);
            String secondEdge = playing(second);
            assertThat(List.of(firstEdge, secondEdge)).containsExactlyInAnyOrder("edge", "edge2");
            assertThat(edgeRow(owner, firstEdge, 1)).isVisible();
            assertThat(edgeRow(owner, secondEdge, 1)).isVisible();
            for (Page page : List.of(owner, first, second)) {
                assertThat(Browser.accessibilityViolations(page)).isEmpty();
            }
            Browser.screenshot(owner, "live-stream-owner", Viewport.DESKTOP);
            Browser.screenshot(first, "live-stream-watching", Viewport.PHONE);
            Browser.screenshot(second, "live-stream-watching", Viewport.DESKTOP);

            // Paused (the API's stop: the edges' mountpoints disabled, forwarding kept): the viewers'
            // pictures end and their pages say so; resumed (start), both play again by themselves.
            owner.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Pause for viewers")).click();
            assertThat(owner.locator(".pause-state")).hasText("Paused: the edges play it to nobody");
            assertThat(owner.locator(".forward-state")).hasText("Sent to edges");
            assertThat(owner.locator(".room-head .meta")).containsText("Paused");
            pictureEnded(List.of(first, second), "The stream is paused", "Paused");
            assertThat(Browser.accessibilityViolations(owner)).isEmpty();
            Browser.screenshot(owner, "live-stream-paused-owner", Viewport.DESKTOP);
            Browser.screenshot(first, "live-stream-paused", Viewport.PHONE);
            owner.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Resume for viewers")).click();
            assertThat(owner.locator(".pause-state")).hasText("Not paused: the edges play it to viewers");
            for (Page page : List.of(first, second)) {
                playing(page);
            }
            noProblems();

            // Forwarding off: the pictures stop and the viewers' pages say so.
            owner.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Stop sending to viewers")).click();
            assertThat(owner.locator(".forward-state")).hasText("Not sent to edges: nobody can watch");
            pictureEnded(List.of(first, second), "The stream stopped", "Not live");
            Browser.screenshot(first, "live-stream-stopped", Viewport.PHONE);

            // The owner's page on a phone: the long command scrolls inside its box, not the page.
            Page ownerOnPhone = person(Viewport.PHONE);
            SiteBrowserTest.signIn(ownerOnPhone, site.origin(), "ls_owner");
            ownerOnPhone.navigate(streamUrl);
            assertThat(ownerOnPhone.locator(".command")).isVisible();
            // Its ingest lines restack as cards rather than scroll sideways, and stay a table to assistive technology.
            Locator ingestTable = ownerOnPhone.getByRole(AriaRole.TABLE, new Page.GetByRoleOptions().setName("Ingest"));
            assertThat(ingestTable.getByRole(AriaRole.ROW)).hasCount(3);
            assertThat(ingestTable.getByRole(AriaRole.CELL)).hasCount(10);
            assertThat(((Number) ingestTable.locator("xpath=..").evaluate("box => box.scrollWidth - box.clientWidth")).intValue())
                    .as("how far the ingest table scrolls sideways on a phone").isEqualTo(0);
            assertThat(Browser.accessibilityViolations(ownerOnPhone)).isEmpty();
            Browser.screenshot(ownerOnPhone, "live-stream-owner", Viewport.PHONE);
            // Its panel reads the stream every 3 s: not while the stream is deleted below.
            ownerOnPhone.context().close();
        } finally {
            ffmpeg.destroy();
            ffmpeg.waitFor(10, TimeUnit.SECONDS);
            // Their connections to the edges must not outlive this test (the next one stops the edges' nginx).
            for (Page viewer : Arrays.asList(first, second)) {
                if (viewer != null) {
                    viewer.context().close();
                }
            }
        }
        owner.navigate(site.origin() + "/streams");
        assertThat(owner.locator(".streams .card-title")).hasText("Launch");

        // Deleting asks first: declined, nothing happens; confirmed, the stream is gone.
        owner.navigate(streamUrl);
        Locator delete = owner.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Delete stream"));
        owner.onceDialog(dialog -> dialog.dismiss());
        delete.click();
        assertThat(owner).hasURL(streamUrl);
        owner.onceDialog(dialog -> {
            assertThat(dialog.message()).contains("Delete \"Launch\"?");
            dialog.accept();
        });
        delete.click();
        assertThat(owner).hasURL(site.origin() + "/streams");
        assertThat(owner.locator(".paged")).containsText("You have no live streams yet.");
        site.rest().get("/api/streams/" + id, "X-Session-Id", site.rest().login("ls_owner", "password-ls_owner"))
                   .expect(404);
        site.browser().assertClean();
    }

    @Test
    @Order(2)
    void aSimulcastStreamsPageSaysItsCommandSendsTheFirstLayerOnlyWhichViewersGet() throws Exception {
        String session = site.rest().register("ls_layers");
        long id = site.rest().post("/api/streams",
                                   json("name", "Layers", "audio", true, "video", true, "simulcast", true),
                                   "X-Session-Id", session).expect(201, "ok").body().get("stream_id").asLong();
        JsonNode video = site.rest().get("/api/streams/" + id, "X-Session-Id", session).expect(200, "ok").body()
                                    .get("stream").get("ingest").get("ports").get(1);
        long base = video.get("ssrc").asLong();
        long second = video.get("simulcast_ssrcs").get(0).asLong();
        long third = video.get("simulcast_ssrcs").get(1).asLong();
        Page owner = person(Viewport.PHONE);
        SiteBrowserTest.signIn(owner, site.origin(), "ls_layers");
        owner.navigate(site.origin() + "/streams/" + id);
        assertThat(owner.locator(".ingest-lines tbody tr").nth(1)).containsText(base + ", " + second + ", " + third);
        assertThat(owner.locator(".simulcast-note")).containsText("sends one encoding only, as the first layer " +
                                                                  "(SSRC " + base + ")");
        assertThat(Browser.accessibilityViolations(owner)).isEmpty();
        Browser.screenshot(owner, "live-stream-simulcast-owner", Viewport.PHONE);
        String command = owner.locator(".command").textContent();
        assertThat(command).contains("-ssrc " + base).doesNotContain("-ssrc " + second, "-ssrc " + third);

        // What the note says: that one layer reaches the viewers.
        Process ffmpeg = run(command);
        Page viewer = person(Viewport.DESKTOP);
        try {
            site.rest().post("/api/streams/" + id + "/forward", "", "X-Session-Id", session).expect(200, "ok");
            viewer.navigate(site.origin() + "/streams/" + id);
            playing(viewer);
            noProblems();
        } finally {
            ffmpeg.destroy();
            ffmpeg.waitFor(10, TimeUnit.SECONDS);
            viewer.context().close();
        }
        site.rest().delete("/api/streams/" + id, "X-Session-Id", session).expect(204);
        site.browser().assertClean();
    }

    @Test
    @Order(3)
    void aStreamNotLiveYetIsWaitedForAndEdgesThatCannotBeReachedAreSaidToBeSo() {
        String session = site.rest().register("ls_down");
        long id = site.rest().post("/api/streams", json("name", "Unreachable", "video", true), "X-Session-Id", session)
                             .expect(201, "ok").body().get("stream_id").asLong();
        // Not live yet: the viewer's page says so, and tries again by itself once it is.
        Page page = person(Viewport.PHONE);
        page.navigate(site.origin() + "/streams/" + id);
        assertThat(page.locator(".room-status")).hasText(Pattern.compile("This stream is not live right now.*"));
        assertThat(page.locator(".room-head .meta")).containsText("Not live");
        assertThat(Browser.accessibilityViolations(page)).isEmpty();
        Browser.screenshot(page, "live-stream-not-live", Viewport.PHONE);

        List<NginxInstance> stopped = new ArrayList<>();
        site.mesh().servers().stream().filter(server -> server.getName().startsWith("edge"))
                   .forEach(server -> stopped.add(site.mesh().nginxOf(server.getId())));
        stopped.forEach(NginxInstance::stop);
        try {
            site.rest().post("/api/streams/" + id + "/forward", "", "X-Session-Id", session).expect(200, "ok");
            long started = System.nanoTime();
            assertThat(page.getByRole(AriaRole.ALERT)).containsText("The stream's media server does not answer");
            // At most one recheck (3 s) and the connection's time limit (10 s).
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(15);
            assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Watch again"))).isVisible();
            Browser.screenshot(page, "live-stream-unreachable", Viewport.PHONE);
        } finally {
            stopped.forEach(NginxInstance::start);
        }
        assertThat(site.browser().takeProblems())
                .allSatisfy(problem -> assertThat(problem).contains("net::ERR_CONNECTION_REFUSED"));
    }

    /** Waits until {@code page} plays picture and sound that keep coming; returns the edge it says it plays from. */
    private static String playing(Page page) {
        assertThat(page.locator(".room-status")).containsText("Live, from edge");
        Browser.waitUntil(page, "() => document.querySelector('.player video').videoWidth > 0");
        List<?> before = received(page);
        page.waitForTimeout(1500);
        List<?> after = received(page);
        assertThat(number(after.get(0))).as("video frames decoded").isGreaterThan(number(before.get(0)));
        assertThat(number(after.get(1))).as("audio packets received").isGreaterThan(number(before.get(1)));
        String status = page.locator(".room-status").textContent();
        return status.replaceAll(".*Live, from (edge\\d*)[.;].*", "$1");
    }

    /** The pages had no problem since the last check, and no call answered 5xx. */
    private static void noProblems() {
        assertThat(site.browser().takeProblems()).isEmpty();
        assertThat(serverErrors).isEmpty();
    }

    /** Each page's picture ended: it says {@code status}, hides its player, badges the stream {@code badge}. */
    private static void pictureEnded(List<Page> pages, String status, String badge) {
        for (Page page : pages) {
            assertThat(page.locator(".room-status")).containsText(status);
            assertThat(page.locator(".player")).isHidden();
            assertThat(page.locator(".room-head .meta")).containsText(badge);
            assertThat(pictureStops(page)).as("no frame decoded for a second once it ended").isTrue();
        }
    }

    /**
     * Whether the page's picture stops within 5 s: frames already on their way (and a busy machine's
     * decoder) may keep the count moving for a moment, then a whole second passes without a frame.
     */
    private static boolean pictureStops(Page page) {
        for (int second = 0; second < 5; second++) {
            double frames = number(received(page).get(0));
            page.waitForTimeout(1000);
            if (number(received(page).get(0)) <= frames) {
                return true;
            }
        }
        return false;
    }

    /** The owner's row of {@code edge} with {@code viewers} viewers, receiving media. */
    private static Locator edgeRow(Page owner, String edge, int viewers) {
        return owner.getByRole(AriaRole.ROW, new Page.GetByRoleOptions().setName(edge + " " + viewers + " yes")
                                                                         .setExact(true));
    }

    private static Page person(Viewport viewport) {
        BrowserContext context = site.browser().person(viewport);
        context.addInitScript(VideoRoomBrowserTest.RECORD_PEER_CONNECTIONS);
        Page page = context.newPage();
        page.onResponse(response -> {
            if (response.status() >= 500) {
                serverErrors.add(response.request().method() + ' ' + URI.create(response.url()).getPath());
            }
        });
        return page;
    }

    /** Runs a command line as the page shows it for a POSIX shell (continued lines, single quotes). */
    private static Process run(String command) throws IOException {
        List<String> args = new ArrayList<>();
        var matcher = Pattern.compile("'([^']*)'|(\\S+)").matcher(command.replace("\\\n", " "));
        while (matcher.find()) {
            args.add(matcher.group(1) != null ? matcher.group(1) : matcher.group(2));
        }
        assertThat(args.get(0)).isEqualTo("ffmpeg");
        args.add(1, "-nostdin");
        Path log = Files.createTempFile("mediamesh-ffmpeg-", ".log");
        log.toFile().deleteOnExit();
        return new ProcessBuilder(args).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
