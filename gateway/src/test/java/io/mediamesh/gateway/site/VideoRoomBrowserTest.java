package io.mediamesh.gateway.site;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.mediamesh.common.testing.Await;
import io.mediamesh.gateway.testing.Browser;
import io.mediamesh.gateway.testing.Browser.Viewport;
import io.mediamesh.gateway.testing.RoomSite;
import io.mediamesh.media.janus.JanusClient;
import io.mediamesh.media.testing.JanusProbe;
import io.mediamesh.media.testing.RoomMesh;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Video rooms in Debian's Chromium with a fake camera and microphone, against real Janus servers
 * whose ICE candidates are on a veth address of a network namespace the mesh made (Janus offers none
 * on loopback): two people each see and hear the other, counted in WebRTC's own statistics; the
 * owner removes one, who is told and cannot come back with the old token; recording goes on and off,
 * and becomes the owner's videos, which play on the watch page;
 * and a Janus that cannot be reached is said to be so, at once.
 */
// The test that stops a Janus goes last: media-svc's sessions to it need a moment to recover afterwards.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VideoRoomBrowserTest {
    @RegisterExtension
    static final RoomSite site = RoomSite.over(new RoomMesh().withBrowserMedia());

    /**
     * Keeps every RTCPeerConnection a page makes, for the test to read its statistics. Installed
     * through DevTools before any script of the page runs; the page itself has no test hook. Also
     * used by {@link LiveStreamBrowserTest}.
     */
    static final String RECORD_PEER_CONNECTIONS = """
            window.__peers = [];
            window.RTCPeerConnection = class extends window.RTCPeerConnection {
              constructor(...args) {
                super(...args);
                window.__peers.push(this);
              }
            };
            """;
    /** [video frames decoded, audio packets received] over the page's live connections. */
    private static final String RECEIVED = """
            async () => {
              let frames = 0, packets = 0;
              for (const peer of window.__peers) {
                if (peer.connectionState === 'closed') continue;
                (await peer.getStats()).forEach((report) => {
                  if (report.type !== 'inbound-rtp') return;
                  if (report.kind === 'video') frames += report.framesDecoded || 0;
                  if (report.kind === 'audio') packets += report.packetsReceived || 0;
                });
              }
              return [frames, packets];
            }
            """;


    @Test
    @Order(1)
    void twoPeopleSeeAndHearEachOtherTheOwnerRemovesOneAndRecords() throws Exception {
        site.rest().register("vr_alice");
        site.rest().register("vr_bob");
        Page alice = person(Viewport.DESKTOP);
        SiteBrowserTest.signIn(alice, site.origin(), "vr_alice");
        alice.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Rooms")).click();
        alice.getByLabel("What is it about?").fill("Design review");
        alice.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create room")).click();
        assertThat(alice).hasURL(Pattern.compile(".*/rooms/video/\\d+$"));
        String roomUrl = alice.url();
        assertThat(alice.locator("h1")).hasText("Design review");
        assertThat(alice.locator(".people")).containsText("Nobody is in the room.");
        assertThat(Browser.accessibilityViolations(alice)).isEmpty();
        Browser.screenshot(alice, "video-room-before-joining", Viewport.DESKTOP);

        joinOnCamera(alice);
        Page bob = person(Viewport.PHONE);
        SiteBrowserTest.signIn(bob, site.origin(), "vr_bob");
        bob.navigate(roomUrl);
        // Bob's join answer, for his token once he is removed.
        CompletableFuture<JsonNode> bobsTicket = RoomPages.joinAnswer(bob);
        joinOnCamera(bob);

        // Each sees the other's picture and receives the other's sound, and both keep arriving.
        for (Page page : List.of(alice, bob)) {
            Browser.waitUntil(page, "() => [...document.querySelectorAll('.tile.remote video')]" +
                                    ".some((video) => video.videoWidth > 0)");
            List<?> first = received(page);
            page.waitForTimeout(1500);
            List<?> later = received(page);
            assertThat(number(later.get(0))).as("video frames decoded").isGreaterThan(number(first.get(0)));
            assertThat(number(later.get(1))).as("audio packets received").isGreaterThan(number(first.get(1)));
        }
        assertThat(alice.locator(".tile.remote figcaption")).hasText("vr_bob");
        assertThat(bob.locator(".tile.remote figcaption")).hasText("vr_alice");
        Locator people = alice.locator(".people");
        assertThat(people).containsText("vr_bob");
        assertThat(people).containsText("on camera");
        assertThat(Browser.accessibilityViolations(alice)).isEmpty();
        assertThat(Browser.accessibilityViolations(bob)).isEmpty();
        Browser.screenshot(alice, "video-room-in-call", Viewport.DESKTOP);
        Browser.screenshot(bob, "video-room-in-call", Viewport.PHONE);

        // A viewer sees and hears both, sends nothing, and is listed as watching.
        site.rest().register("vr_erin");
        Page erin = person(Viewport.DESKTOP);
        SiteBrowserTest.signIn(erin, site.origin(), "vr_erin");
        erin.navigate(roomUrl);
        erin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Join as viewer")).click();
        assertThat(erin.locator(".room-status")).hasText("You are in the room as a viewer.");
        Browser.waitUntil(erin, "() => { const videos = [...document.querySelectorAll('.tile.remote video')];" +
                                " return videos.length === 2 && videos.every((video) => video.videoWidth > 0); }");
        assertThat(erin.locator(".tile.local")).hasCount(0);
        assertThat(people.locator(".person", new Locator.LocatorOptions().setHasText("vr_erin")))
                .containsText("watching");
        assertThat(alice.locator(".tile.remote")).hasCount(1);
        erin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Leave room")).click();
        assertThat(erin.locator(".room-status")).hasText("You left the room.");
        assertThat(people).not().containsText("vr_erin");

        // Recording on, then off: the owner's page and the API agree.
        long roomId = Long.parseLong(roomUrl.substring(roomUrl.lastIndexOf('/') + 1));
        alice.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Start recording")).click();
        assertThat(alice.locator(".recording-state")).hasText("Recording");
        assertThat(recording(roomId)).isTrue();
        // A few seconds of both people to record: a duration, not a wait for something.
        alice.waitForTimeout(3_000);
        alice.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Stop recording")).click();
        assertThat(alice.locator(".recording-state")).hasText("Not recording");
        assertThat(recording(roomId)).isFalse();

        // The owner removes Bob: he is dropped at once, told so, and neither the site nor Janus lets him back.
        alice.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Remove vr_bob")).click();
        assertThat(bob.getByRole(AriaRole.ALERT)).containsText("The room's owner removed you from this room.");
        assertThat(bob.locator(".tile")).hasCount(0);
        assertThat(alice.locator(".tile.remote")).hasCount(0);
        assertThat(people).not().containsText("vr_bob");
        Browser.screenshot(bob, "video-room-removed", Viewport.PHONE);
        bob.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Join with camera and microphone")).click();
        assertThat(bob.getByRole(AriaRole.ALERT).last()).containsText("ROOM_BANNED");
        JsonNode ticket = bobsTicket.get(5, TimeUnit.SECONDS);
        JanusProbe janus = new JanusProbe(ticket.get("server_url").asText());
        ObjectNode join = JanusProbe.body("join");
        join.put("room", roomId).put("ptype", "publisher").put("display", "vr_bob")
            .put("id", ticket.get("participant_id").asLong()).put("token", ticket.get("token").asText());
        assertThat(janus.requestAsync(janus.attach(JanusClient.VIDEOROOM), join).path("error_code").asInt())
                .as("Janus refuses the old token").isEqualTo(433);

        alice.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Leave room")).click();
        assertThat(alice.locator(".room-status")).hasText("You left the room.");

        // The recording became the owner's videos (one per publisher), ready and playable on the watch page.
        Await.until("the recording is converted into two ready videos", Duration.ofSeconds(90),
                    () -> recordedVideos("vr_alice").stream().filter(video -> video.get("state").asText()
                                                                                    .equals("ready")).count() == 2);
        alice.navigate(site.origin() + "/v/" + recordedVideos("vr_alice").get(0).get("id").asLong());
        assertThat(alice.locator(".details h1")).containsText("Recording of Design review");
        Browser.waitUntil(alice, "() => document.querySelector('video').readyState >= 1");
        alice.evaluate("() => { const v = document.querySelector('video'); v.muted = true; return v.play(); }");
        Browser.waitUntil(alice, "() => document.querySelector('video').currentTime > 1");
        assertThat((Number) alice.evaluate("() => document.querySelector('video').videoWidth")).isNotEqualTo(0);

        // The owner's rooms page lists the room; someone with none is told how to make one.
        alice.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Rooms")).click();
        assertThat(alice.locator(".rooms .card-title")).hasText("Design review");
        bob.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Rooms")).click();
        assertThat(bob.locator(".paged").first()).containsText("You have no video rooms yet.");
        for (Page page : List.of(alice, bob)) {
            assertThat(Browser.accessibilityViolations(page)).isEmpty();
        }
        Browser.screenshot(alice, "rooms", Viewport.DESKTOP);
        Browser.screenshot(bob, "rooms", Viewport.PHONE);
        site.browser().assertClean();
    }

    @Test
    @Order(2)
    void aJanusThatCannotBeReachedIsSaidToBeSoWithoutWaiting() {
        Page dave = new RoomPages(site, VideoRoomBrowserTest::person)
                .checkOutages("video", "vr", "Join with camera and microphone");
        assertThat(dave.locator(".tile")).hasCount(0);
    }

    private static Page person(Viewport viewport) {
        BrowserContext context = site.browser().person(viewport);
        context.addInitScript(RECORD_PEER_CONNECTIONS);
        return context.newPage();
    }

    private static void joinOnCamera(Page page) {
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Join with camera and microphone")).click();
        assertThat(page.locator(".room-status")).hasText("You are in the room, on camera.");
    }

    /** [video frames decoded, audio packets received] so far on {@code page}'s live connections. */
    static List<?> received(Page page) {
        return (List<?>) page.evaluate(RECEIVED);
    }

    static double number(Object value) {
        return ((Number) value).doubleValue();
    }

    private static List<JsonNode> recordedVideos(String owner) {
        List<JsonNode> videos = new java.util.ArrayList<>();
        site.rest().get("/api/user/" + owner + "/videos").expect(200).body().get("videos").forEach(video -> {
            if (video.get("name").asText().startsWith("Recording of ")) {
                videos.add(video);
            }
        });
        return videos;
    }

    private static boolean recording(long roomId) {
        String session = site.rest().login("vr_alice", "password-vr_alice");
        return site.rest().get("/api/rooms/video/" + roomId, "X-Session-Id", session).expect(200, "ok").body()
                          .get("room").get("recording").asBoolean();
    }
}
