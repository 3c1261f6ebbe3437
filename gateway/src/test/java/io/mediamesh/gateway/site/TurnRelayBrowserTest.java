package io.mediamesh.gateway.site;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.mediamesh.gateway.testing.Rest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.mediamesh.api.v1.ConfigDocument;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.ConfigServiceGrpc.ConfigServiceBlockingStub;
import io.mediamesh.api.v1.CoturnConfig;
import io.mediamesh.api.v1.GetConfigRequest;
import io.mediamesh.api.v1.MediaServerRole;
import io.mediamesh.api.v1.PutConfigRequest;
import io.mediamesh.common.testing.Await;
import io.mediamesh.gateway.testing.Browser;
import io.mediamesh.gateway.testing.Browser.Viewport;
import io.mediamesh.gateway.testing.Rest;
import io.mediamesh.gateway.testing.RoomGateway;
import io.mediamesh.media.testing.CoturnInstance;
import io.mediamesh.media.testing.RoomMesh;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A video room whose media goes through the room server's TURN relay only: the gateway's
 * {@code browser.ice-transport-policy} is {@code relay}, so Chromium may use no candidate but the
 * relay of the per-join credentials, on the real coturn config-svc renders for the server (relaying
 * to Janus's veth address and to nothing else). Packets go browser -> coturn listening on
 * 127.0.0.1 -> from its relay port on the veth address to Janus's candidate on that address, and
 * back (a relay port on 127.0.0.1 would not do: Janus's ICE agent never answers checks from a
 * loopback address). The selected candidate pairs say so, and coturn's log names the join's user. Without
 * credentials to relay with, the page refuses to join and says why.
 */
// The second test takes the TURN credentials away from a role.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TurnRelayBrowserTest {
    @RegisterExtension
    @Order(1)
    static final RoomMesh mesh = new RoomMesh().withTurnRelays();

    @RegisterExtension
    @Order(2)
    static final RoomGateway gateway = new RoomGateway(mesh,
                                                       Map.of("mediamesh.gateway.browser.ice-transport-policy", "relay"));

    @RegisterExtension
    @Order(3)
    static final Browser browser = new Browser(gateway::pageOrigins);

    /** For each connected RTCPeerConnection of the page: its selected pair's local and remote candidates. */
    private static final String SELECTED_PAIRS = """
            async () => {
              const pairs = [];
              for (const peer of window.__peers) {
                if (peer.connectionState !== 'connected') continue;
                const stats = await peer.getStats();
                stats.forEach((report) => {
                  if (report.type !== 'transport' || !report.selectedCandidatePairId) return;
                  const pair = stats.get(report.selectedCandidatePairId);
                  const local = stats.get(pair.localCandidateId);
                  const remote = stats.get(pair.remoteCandidateId);
                  pairs.push({ localType: local.candidateType, localAddress: local.address, url: local.url ?? '',
                               relayProtocol: local.relayProtocol ?? '', remoteAddress: remote.address });
                });
              }
              return pairs;
            }
            """;

    @Test
    @Order(1)
    @SuppressWarnings("unchecked")
    void aPublisherAndAViewerSeeEachOtherThroughTheRelayAlone() throws Exception {
        Rest rest = gateway.rest();
        String aliceSession = rest.register("tr_alice");
        rest.register("tr_bob");
        JsonNode room = rest.post("/api/rooms/video", json("description", "Relayed"), "X-Session-Id", aliceSession)
                            .expect(201, "ok").body();
        String roomUrl = gateway.origin() + "/rooms/video/" + room.get("room_id").asLong();
        CoturnInstance coturn = mesh.coturnOf(room.get("server").get("id").asLong());

        Page alice = person(Viewport.DESKTOP);
        SiteBrowserTest.signIn(alice, gateway.origin(), "tr_alice");
        alice.navigate(roomUrl);
        CompletableFuture<JsonNode> alicesTicket = RoomPages.joinAnswer(alice);
        alice.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Join with camera and microphone"))
             .click();
        assertThat(alice.locator(".room-status")).hasText("You are in the room, on camera.");

        Page bob = person(Viewport.PHONE);
        SiteBrowserTest.signIn(bob, gateway.origin(), "tr_bob");
        bob.navigate(roomUrl);
        CompletableFuture<JsonNode> bobsTicket = RoomPages.joinAnswer(bob);
        bob.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Join as viewer")).click();
        assertThat(bob.locator(".room-status")).hasText("You are in the room as a viewer.");

        // Bob sees and hears Alice, and both keep arriving.
        Browser.waitUntil(bob, "() => [...document.querySelectorAll('.tile.remote video')]" +
                               ".some((video) => video.videoWidth > 0)");
        List<?> first = VideoRoomBrowserTest.received(bob);
        bob.waitForTimeout(1500);
        List<?> later = VideoRoomBrowserTest.received(bob);
        assertThat(VideoRoomBrowserTest.number(later.get(0))).as("video frames decoded")
                .isGreaterThan(VideoRoomBrowserTest.number(first.get(0)));
        assertThat(VideoRoomBrowserTest.number(later.get(1))).as("audio packets received")
                .isGreaterThan(VideoRoomBrowserTest.number(first.get(1)));

        for (var joined : List.of(Map.entry(alice, alicesTicket), Map.entry(bob, bobsTicket))) {
            JsonNode ticket = joined.getValue().get(5, TimeUnit.SECONDS);
            assertThat(ticket.get("ice_transport_policy").asText()).isEqualTo("relay");
            JsonNode turn = ticket.get("turn");
            String url = turn.get("urls").get(0).asText();
            // The mesh's coturn of the room's server, with credentials made for this join that expire.
            assertThat(url).isEqualTo("turn:127.0.0.1:" + coturn.port() + "?transport=udp");
            String username = turn.get("username").asText();
            assertThat(Long.parseLong(username.substring(0, username.indexOf(':'))))
                    .isGreaterThan(Instant.now().getEpochSecond());
            // Every connection of the page (Alice's to publish, Bob's to receive her) goes through the relay.
            List<?> pairs = (List<?>) joined.getKey().evaluate(SELECTED_PAIRS);
            assertThat(pairs).isNotEmpty().allSatisfy(pair -> assertThat((Map<Object, Object>) pair)
                    .containsEntry("localType", "relay").containsEntry("localAddress", mesh.iceAddress())
                    .containsEntry("url", url).containsEntry("relayProtocol", "udp")
                    .containsEntry("remoteAddress", mesh.iceAddress()));
            // coturn let this join's user relay to Janus: the permission for Janus's address was granted.
            assertThat(coturn.log()).contains("user <" + username + ">: incoming packet CREATE_PERMISSION " +
                                              "processed, success");
        }
        assertThat(coturn.log()).doesNotContain("Forbidden IP");
        browser.assertClean();
    }

    @Test
    @Order(2)
    void aRoomWhoseServerIssuesNoTurnCredentialsCannotBeJoinedAndThePageSaysWhy() {
        Rest rest = gateway.rest();
        String session = rest.register("tr_carol");
        JsonNode room = rest.post("/api/rooms/video", json("description", "No relay"), "X-Session-Id", session)
                            .expect(201, "ok").body();
        long roomId = room.get("room_id").asLong();
        long serverId = room.get("server").get("id").asLong();
        MediaServerRole role = mesh.servers().stream().filter(server -> server.getId() == serverId).findFirst()
                                   .orElseThrow().getRole();
        ConfigServiceBlockingStub configs = mesh.configs(mesh.adminSession());
        CoturnConfig coturn = configs.getConfig(GetConfigRequest.newBuilder().setKind(ConfigKind.CONFIG_KIND_COTURN)
                                                                .setRole(role).build())
                                     .getRevision().getDocument().getCoturn();
        configs.putConfig(PutConfigRequest.newBuilder().setKind(ConfigKind.CONFIG_KIND_COTURN).setRole(role)
                                          .setMessage("no TURN credentials")
                                          .setDocument(ConfigDocument.newBuilder()
                                                                     .setCoturn(coturn.toBuilder().setUseAuthSecret(false)))
                                          .build());
        // media-svc reads the registry again within 200 ms in the mesh.
        Await.until("joins carry no TURN credentials", Duration.ofSeconds(5),
                    () -> !rest.post("/api/rooms/video/" + roomId + "/join", json("display", "probe"),
                                     "X-Session-Id", session).expect(200, "ok").body().path("turn").isObject());

        Page carol = person(Viewport.PHONE);
        SiteBrowserTest.signIn(carol, gateway.origin(), "tr_carol");
        carol.navigate(gateway.origin() + "/rooms/video/" + roomId);
        carol.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Join as viewer")).click();
        assertThat(carol.getByRole(AriaRole.ALERT)).containsText("This site sends media through a TURN relay only, " +
                                                                 "and this room's media server has none.");
        assertThat(carol.locator(".tile")).hasCount(0);
        assertThat(Browser.accessibilityViolations(carol)).isEmpty();
        Browser.screenshot(carol, "video-room-no-relay", Viewport.PHONE);
        browser.assertClean();
    }

    private static Page person(Viewport viewport) {
        BrowserContext context = browser.person(viewport);
        context.addInitScript(VideoRoomBrowserTest.RECORD_PEER_CONNECTIONS);
        return context.newPage();
    }
}
