package io.mediamesh.gateway.site;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.mediamesh.gateway.testing.Rest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.mediamesh.gateway.testing.Browser;
import io.mediamesh.gateway.testing.Browser.Viewport;
import io.mediamesh.gateway.testing.Rest;
import io.mediamesh.gateway.testing.RoomSite;
import io.mediamesh.media.testing.JanusInstance;
import io.mediamesh.media.testing.NginxInstance;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * What the video and text room browser tests share: a page's join answer, and what a room page says
 * when its Janus cannot be reached (with the room server's nginx down, the browser's way to Janus,
 * that the media server does not answer, within 12 s; with Janus itself down, media-svc cannot issue
 * a pass, that the media server is not available).
 */
final class RoomPages {
    private final RoomSite site;
    private final Function<Viewport, Page> person;

    /** {@code person}: a new person's page at a viewport, as the test class makes them. */
    RoomPages(RoomSite site, Function<Viewport, Page> person) {
        this.site = site;
        this.person = person;
    }

    /** The answer to the page's next successful POST .../join (its server_url, token, ...). */
    static CompletableFuture<JsonNode> joinAnswer(Page page) {
        CompletableFuture<JsonNode> ticket = new CompletableFuture<>();
        page.onResponse(response -> {
            if (response.url().endsWith("/join") && response.status() == 200 && !ticket.isDone()) {
                try {
                    ticket.complete(new ObjectMapper().readTree(response.text()).get("response"));
                } catch (Exception e) {
                    ticket.completeExceptionally(e);
                }
            }
        });
        return ticket;
    }

    /**
     * Runs both outages on a new room of {@code kind} ("video", "text") owned by {@code prefix}_carol
     * and joined by {@code prefix}_dave with the button named {@code join}; returns Dave's page, left
     * after the failed join.
     */
    Page checkOutages(String kind, String prefix, String join) {
        Rest rest = site.rest();
        String origin = site.origin();
        String owner = rest.register(prefix + "_carol");
        JsonNode room = rest.post("/api/rooms/" + kind, json("description", "Offline"), "X-Session-Id", owner)
                            .expect(201, "ok").body();
        long serverId = room.get("server").get("id").asLong();
        String roomUrl = origin + "/rooms/" + kind + '/' + room.get("room_id").asLong();
        Page page = person.apply(Viewport.PHONE);
        SiteBrowserTest.signIn(page, origin, prefix + "_carol");
        page.navigate(roomUrl);

        NginxInstance nginx = site.mesh().nginxOf(serverId);
        nginx.stop();
        try {
            long started = System.nanoTime();
            join(page, join, "The media server does not answer");
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(12);
            assertThat(Browser.accessibilityViolations(page)).isEmpty();
            Browser.screenshot(page, kind + "-room-janus-unreachable", Viewport.PHONE);
        } finally {
            nginx.start();
        }
        // The failed requests to the stopped server are the only problems the page had.
        assertThat(site.browser().takeProblems())
                .allSatisfy(problem -> assertThat(problem).contains("net::ERR_CONNECTION_REFUSED"));

        rest.register(prefix + "_dave");
        Page dave = person.apply(Viewport.DESKTOP);
        SiteBrowserTest.signIn(dave, origin, prefix + "_dave");
        dave.navigate(roomUrl);
        assertThat(dave.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(join))).isVisible();
        JanusInstance janus = site.mesh().janusOf(serverId);
        janus.stop();
        try {
            join(dave, join, "The room's media server is not available right now");
        } finally {
            janus.start();
        }
        assertThat(site.browser().takeProblems()).allSatisfy(problem -> assertThat(problem).contains("status of 5"));
        return dave;
    }

    private static void join(Page page, String button, String refusal) {
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(button)).click();
        assertThat(page.getByRole(AriaRole.ALERT).last()).containsText(refusal);
    }
}
