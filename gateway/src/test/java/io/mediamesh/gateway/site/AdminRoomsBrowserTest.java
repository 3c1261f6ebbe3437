package io.mediamesh.gateway.site;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.mediamesh.gateway.testing.Rest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.mediamesh.gateway.testing.Browser;
import io.mediamesh.gateway.testing.Browser.Viewport;
import io.mediamesh.gateway.testing.Rest;
import io.mediamesh.gateway.testing.RoomGateway;
import io.mediamesh.media.janus.JanusClient;
import io.mediamesh.media.testing.JanusProbe;
import io.mediamesh.media.testing.RoomMesh;
import io.mediamesh.media.testing.RtpPackets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The console's rooms and streams overview in Debian's Chromium, against real Janus servers (an
 * origin, a relay and two edges): another user's video room with a participant who joined Janus
 * itself, a text room, and a forwarded live stream fed real RTP, all seen by an admin, who kicks,
 * records, stops forwarding and destroys.
 */
class AdminRoomsBrowserTest {
    // The mesh, then the gateway in front of it, then the browser.
    @RegisterExtension
    @Order(1)
    static final RoomMesh mesh = new RoomMesh().withEdges(2);

    @RegisterExtension
    @Order(2)
    static final RoomGateway gateway = new RoomGateway(mesh);

    @RegisterExtension
    @Order(3)
    static final Browser browser = new Browser(() -> Set.of(gateway.origin()));

    private static Rest rest;

    @BeforeAll
    static void rest() {
        rest = gateway.rest();
    }

    @Test
    void anAdminSeesEveryonesRoomsAndStreamsAndActsOnThem() {
        String alice = rest.register("rooms_alice");
        String bob = rest.register("rooms_bob");
        JsonNode room = rest.post("/api/rooms/video", json("description", "Stand-up", "max_publishers", 4),
                                  "X-Session-Id", alice).expect(201, "ok").body();
        long roomId = room.get("room_id").asLong();
        rest.post("/api/rooms/text", json("description", "Chat"), "X-Session-Id", alice).expect(201, "ok");
        JsonNode joined = rest.post("/api/rooms/video/" + roomId + "/join", json("display", "Bob"), "X-Session-Id", bob)
                              .expect(200, "ok").body();
        joinJanus(room, joined);
        JsonNode stream = rest.post("/api/streams", json("name", "Launch", "audio", true), "X-Session-Id", alice)
                              .expect(201, "ok").body();
        long streamId = stream.get("stream_id").asLong();
        rest.post("/api/streams/" + streamId + "/forward", "", "X-Session-Id", alice).expect(200, "ok");
        sendRtp(stream.get("ingest"));

        Viewport viewport = Viewport.DESKTOP;
        Page page = browser.person(viewport).newPage();
        page.navigate(origin() + "/signin?next=/admin/rooms");
        page.getByLabel("User name").fill(RoomMesh.ADMIN);
        page.getByLabel("Password").fill(RoomMesh.ADMIN_PASSWORD);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();

        Locator card = page.locator(".room[data-room='" + roomId + "']");
        assertThat(card).containsText("Stand-up");
        assertThat(card).containsText("owned by rooms_alice");
        assertThat(card).containsText("on " + room.get("server").get("name").asText());
        assertThat(card.locator(".participants-count")).hasText("1 participant");
        assertThat(card.locator(".participants")).containsText("Bob");
        assertThat(card.locator(".recording-state")).hasText("Not recording");
        assertThat(page.locator(".room h4", new Page.LocatorOptions().setHasText("Chat"))).isVisible();

        // ORIGIN -> RELAY -> both EDGES, each edge with its viewers and the age of its last packet.
        Locator tiers = page.locator(".stream[data-stream='" + streamId + "'] .tiers");
        assertThat(tiers.locator(".tier.origin .tier.relay .tier.edge")).hasCount(2);
        assertThat(tiers.locator(".tier.edge").first().locator(".viewers")).hasText("0 viewers");
        assertThat(tiers.locator(".tier.edge").first().locator(".age"))
                .hasText(Pattern.compile("packet age [\\d.]+ m?s"));
        assertThat(Browser.accessibilityViolations(page)).isEmpty();
        Browser.screenshot(page, "admin-rooms", viewport);

        // Bob leaves and comes back in Janus: Refresh shows what Janus says now.
        rest.delete("/api/rooms/video/" + roomId + "/participants/" + joined.get("participant_id").asText(),
                    "X-Session-Id", alice).expect(204);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Refresh")).click();
        assertThat(card.locator(".participants-count")).hasText("0 participants");
        rest.delete("/api/rooms/video/" + roomId + "/bans/" + mesh.userId(bob), "X-Session-Id", alice).expect(204);
        JsonNode again = rest.post("/api/rooms/video/" + roomId + "/join", json("display", "Bob"), "X-Session-Id", bob)
                             .expect(200, "ok").body();
        joinJanus(room, again);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Refresh")).click();
        assertThat(card.locator(".participants-count")).hasText("1 participant");

        card.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Kick Bob from video room " + roomId))
            .click();
        assertThat(card.locator(".participants-count")).hasText("0 participants");
        card.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Start recording video room " + roomId))
            .click();
        assertThat(card.locator(".recording-state")).hasText("Recording");
        assertThat(rest.get("/api/rooms/video/" + roomId, "X-Session-Id", alice).expect(200, "ok").body()
                       .get("room").get("recording").asBoolean()).isTrue();

        Locator streamCard = page.locator(".stream[data-stream='" + streamId + "']");
        streamCard.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Stop forwarding stream " + streamId))
                  .click();
        assertThat(streamCard).containsText("not forwarding");

        List<String> asked = new ArrayList<>();
        page.onDialog(dialog -> {
            asked.add(dialog.message());
            dialog.accept();
        });
        card.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Destroy video room " + roomId)).click();
        assertThat(card).hasCount(0);
        assertThat(asked).singleElement().asString().contains("Stand-up");
        rest.get("/api/rooms/video/" + roomId, "X-Session-Id", alice).expect(404, "ROOM_NOT_FOUND");
        streamCard.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Destroy stream " + streamId))
                  .click();
        assertThat(streamCard).hasCount(0);
        rest.get("/api/streams/" + streamId, "X-Session-Id", alice).expect(404);

        page.setViewportSize(390, 844);
        Browser.screenshot(page, "admin-rooms-after", Viewport.PHONE);
        browser.assertClean();
    }

    /** Bob joins the room in Janus itself with the token the API gave him, as his browser would. */
    private static void joinJanus(JsonNode room, JsonNode joined) {
        JanusProbe probe = new JanusProbe(mesh.janusOf(room.get("server").get("id").asLong()).apiUrl());
        ObjectNode join = JanusProbe.body("join");
        join.put("ptype", "publisher");
        join.put("room", room.get("room_id").asLong());
        join.put("id", joined.get("participant_id").asLong());
        join.put("display", "Bob");
        join.put("token", joined.get("token").asText());
        assertThat(probe.requestAsync(probe.attach(JanusClient.VIDEOROOM), join).path("videoroom").asText())
                .isEqualTo("joined");
    }

    /** A second of RTP into the stream's ingest, which the origin forwards down to the edges. */
    private static void sendRtp(JsonNode ingest) {
        JsonNode port = ingest.get("ports").get(0);
        RtpPackets.send(ingest.get("host").asText(), port.get("port").asInt(),
                        List.of(new RtpPackets.Line(port.get("ssrc").asLong(), port.get("payload_type").asInt())),
                        100, 10_000);
    }

    private static String origin() {
        return gateway.origin();
    }
}
