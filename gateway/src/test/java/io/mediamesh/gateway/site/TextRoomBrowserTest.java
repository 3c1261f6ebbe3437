package io.mediamesh.gateway.site;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.mediamesh.common.testing.Await;
import io.mediamesh.gateway.testing.Browser;
import io.mediamesh.gateway.testing.Browser.Viewport;
import io.mediamesh.gateway.testing.RoomSite;
import io.mediamesh.media.testing.RoomMesh;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Text rooms in Debian's Chromium against real Janus servers (ICE on a veth address of a network
 * namespace the mesh made, as for video rooms): two people chat over Janus's TextRoom DataChannel
 * both ways, see each other come and go, get the owner's announcement; the transcript has what was
 * said while recording was on, in order; the owner removes one, who is told at once and whose old
 * token Janus refuses; and a Janus that cannot be reached is said to be so, without waiting.
 */
// The test that stops a Janus goes last: media-svc's sessions to it need a moment to recover afterwards.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TextRoomBrowserTest {
    @RegisterExtension
    static final RoomSite site = RoomSite.over(new RoomMesh().withBrowserMedia());

    /**
     * Joins a text room over a DataChannel of its own with a join answer's token (its JSON), through the site's
     * own Janus module (the page has no test hook); resolves to Janus's answer to the join.
     */
    private static final String JOIN_WITH = """
            async (json) => {
              const ticket = JSON.parse(json);
              const { attachTextRoom, connect } = await import('/assets/js/components/janus.js');
              const session = await connect(ticket.server_url);
              try {
                return await new Promise((resolve, reject) => {
                  setTimeout(() => reject(new Error('Janus did not answer the join')), 10000);
                  let handle;
                  attachTextRoom(session, {
                    onmessage: (message, jsep) => {
                      if (jsep) {
                        handle.createAnswer({ jsep, tracks: [{ type: 'data' }], error: reject,
                          success: (answer) => handle.send({ message: { request: 'ack' }, jsep: answer }) });
                      }
                    },
                    ondataopen: () => handle.data({ text: JSON.stringify({ textroom: 'join', transaction: 'again',
                      room: ticket.room_id, username: ticket.username, display: ticket.display, token: ticket.token }) }),
                    ondata: (data) => {
                      const answer = JSON.parse(data);
                      if (answer.transaction === 'again') resolve(answer);
                    },
                  }).then((attached) => {
                    handle = attached;
                    handle.send({ message: { request: 'setup' } });
                  }, reject);
                });
              } finally {
                session.destroy({ notifyDestroyed: false });
              }
            }
            """;

    private static String aliceSession;

    @Test
    @Order(1)
    void twoPeopleChatHearTheOwnerReadTheTranscriptAndOneIsRemoved() throws Exception {
        aliceSession = site.rest().register("tr_alice");
        site.rest().register("tr_bob");
        Page alice = person(Viewport.DESKTOP);
        SiteBrowserTest.signIn(alice, site.origin(), "tr_alice");
        alice.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Rooms")).click();
        assertThat(alice.locator(".paged").last()).containsText("You have no text rooms yet.");
        alice.getByLabel("Topic").fill("Release planning");
        alice.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create text room")).click();
        assertThat(alice).hasURL(Pattern.compile(".*/rooms/text/\\d+$"));
        String roomUrl = alice.url();
        long roomId = Long.parseLong(roomUrl.substring(roomUrl.lastIndexOf('/') + 1));
        assertThat(alice.locator("h1")).hasText("Release planning");
        assertThat(Browser.accessibilityViolations(alice)).isEmpty();
        Browser.screenshot(alice, "text-room-before-joining", Viewport.DESKTOP);

        // Recording on: the owner's page and the API agree.
        alice.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Start recording")).click();
        assertThat(alice.locator(".recording-state")).hasText("Recording");
        assertThat(recording(roomId)).isTrue();

        join(alice);
        Page bob = person(Viewport.PHONE);
        SiteBrowserTest.signIn(bob, site.origin(), "tr_bob");
        bob.navigate(roomUrl);
        // Bob's join answer, for his token once he is removed.
        CompletableFuture<JsonNode> bobsTicket = RoomPages.joinAnswer(bob);
        join(bob);

        // Each sees who is there: Bob gets the list on joining, Alice sees him arrive.
        assertThat(bob.locator(".people .who")).containsText(new String[] {"tr_bob (you)", "tr_alice"});
        assertThat(alice.locator(".people .who")).containsText(new String[] {"tr_alice (you)", "tr_bob"});
        assertThat(alice.locator(".chat-log .event")).containsText(new String[] {"tr_bob joined."});

        // Messages both ways; markup someone writes stays text.
        send(alice, "Hello Bob, the release is on Friday.");
        send(bob, "Hi Alice <b>great</b> & thanks");
        for (Page page : List.of(alice, bob)) {
            Locator messages = page.locator(".chat-log .message");
            assertThat(messages.locator(".text")).hasText(new String[] {"Hello Bob, the release is on Friday.",
                                                                        "Hi Alice <b>great</b> & thanks"});
            assertThat(messages.locator(".from")).hasText(new String[] {"tr_alice", "tr_bob"});
            assertThat(page.locator(".chat-log b")).hasCount(0);
        }

        // The owner's announcement, through the REST API, reaches both.
        alice.getByLabel("Announcement to everyone in the room").fill("Freeze starts at noon.");
        alice.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Announce")).click();
        for (Page page : List.of(alice, bob)) {
            assertThat(page.locator(".chat-log .announcement .text")).hasText("Freeze starts at noon.");
            assertThat(Browser.accessibilityViolations(page)).isEmpty();
        }
        Browser.screenshot(alice, "text-room-chat", Viewport.DESKTOP);
        Browser.screenshot(bob, "text-room-chat", Viewport.PHONE);

        // The transcript holds the three, in order (Janus posts them to media-svc as they go).
        List<String> said = List.of("Hello Bob, the release is on Friday.", "Hi Alice <b>great</b> & thanks",
                                    "Freeze starts at noon.");
        Await.until("the transcript has the three", () -> transcript(roomId).size() == said.size());
        assertThat(transcript(roomId)).containsExactlyElementsOf(said);

        // The owner removes Bob: he is dropped at once, told so, and neither the site nor Janus lets him back.
        alice.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Remove tr_bob")).click();
        assertThat(bob.getByRole(AriaRole.ALERT)).containsText("The room's owner removed you from this room.");
        assertThat(bob.locator(".chat")).isHidden();
        assertThat(alice.locator(".people .who")).hasText(new String[] {"tr_alice (you)"});
        assertThat(alice.locator(".chat-log .event").last()).hasText("tr_bob was removed.");
        assertThat(Browser.accessibilityViolations(bob)).isEmpty();
        Browser.screenshot(bob, "text-room-removed", Viewport.PHONE);
        bob.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Join room")).click();
        assertThat(bob.getByRole(AriaRole.ALERT).last()).containsText("ROOM_BANNED");
        JsonNode ticket = bobsTicket.get(5, TimeUnit.SECONDS);
        ObjectNode old = ((ObjectNode) ticket).put("display", "tr_bob");
        @SuppressWarnings("unchecked")
        Map<String, Object> refused = (Map<String, Object>) bob.evaluate(JOIN_WITH, old.toString());
        assertThat(refused).as("Janus refuses the old token").containsEntry("textroom", "error")
                           .containsEntry("error_code", 419);

        // Recording off: what is said now stays out of the transcript.
        alice.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Stop recording")).click();
        assertThat(alice.locator(".recording-state")).hasText("Not recording");
        assertThat(recording(roomId)).isFalse();
        send(alice, "Off the record.");
        assertThat(alice.locator(".chat-log .message .text").last()).hasText("Off the record.");

        // The transcript page, from the owner's rooms page, shows the three in order.
        alice.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Leave room")).click();
        assertThat(alice.locator(".room-status")).hasText("You left the room.");
        alice.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Rooms")).click();
        assertThat(alice.locator(".text-rooms .card-title")).hasText("Release planning");
        assertThat(Browser.accessibilityViolations(alice)).isEmpty();
        Browser.screenshot(alice, "rooms-with-a-text-room", Viewport.DESKTOP);
        alice.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Transcript")).click();
        assertThat(alice).hasURL(roomUrl + "/transcript");
        assertThat(alice.locator("h1")).hasText("Transcript of Release planning");
        assertThat(alice.locator(".transcript-lines .text")).hasText(said.toArray(String[]::new));
        // Senders by the names the room showed, Bob's too although his token went with his removal.
        assertThat(alice.locator(".transcript-lines .from")).hasText(new String[] {"tr_alice", "tr_bob", "Announcement"});
        assertThat(transcript(roomId)).containsExactlyElementsOf(said);
        assertThat(Browser.accessibilityViolations(alice)).isEmpty();
        Browser.screenshot(alice, "text-room-transcript", Viewport.DESKTOP);
        // Someone else's transcript is not theirs to read.
        bob.navigate(roomUrl + "/transcript");
        assertThat(bob.getByRole(AriaRole.ALERT)).containsText("PERMISSION_DENIED");
        Browser.screenshot(bob, "text-room-transcript-refused", Viewport.PHONE);
        site.browser().assertClean();
    }

    @Test
    @Order(2)
    void aJanusThatCannotBeReachedIsSaidToBeSoWithoutWaiting() {
        Page dave = new RoomPages(site, TextRoomBrowserTest::person).checkOutages("text", "tr", "Join room");
        assertThat(dave.locator(".chat")).isHidden();
    }

    private static Page person(Viewport viewport) {
        return site.browser().person(viewport).newPage();
    }

    private static void join(Page page) {
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Join room")).click();
        assertThat(page.locator(".room-status")).hasText("You are in the room.");
    }

    /** Types {@code text} and sends it with Enter, as people do. */
    private static void send(Page page, String text) {
        page.getByLabel("Your message").fill(text);
        page.getByLabel("Your message").press("Enter");
    }

    private static boolean recording(long roomId) {
        return site.rest().get("/api/rooms/text/" + roomId, "X-Session-Id", aliceSession).expect(200, "ok").body()
                          .get("room").get("recording").asBoolean();
    }

    /** The transcript's texts, oldest first, through the REST API. */
    private static List<String> transcript(long roomId) {
        List<String> texts = new ArrayList<>();
        site.rest().get("/api/rooms/text/" + roomId + "/transcript", "X-Session-Id", aliceSession)
                   .expect(200, "ok").body().get("messages").forEach(message -> texts.add(message.get("text").asText()));
        return texts;
    }
}
