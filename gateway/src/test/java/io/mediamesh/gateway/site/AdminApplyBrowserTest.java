package io.mediamesh.gateway.site;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.mediamesh.api.v1.MediaServerRole.MEDIA_SERVER_ROLE_EDGE;
import static io.mediamesh.api.v1.MediaServerRole.MEDIA_SERVER_ROLE_ORIGIN;
import static io.mediamesh.api.v1.MediaServerRole.MEDIA_SERVER_ROLE_RELAY;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.mediamesh.api.v1.ConfigDocument;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.CreateServerRequest;
import io.mediamesh.api.v1.GetConfigRequest;
import io.mediamesh.api.v1.ListAppliesRequest;
import io.mediamesh.api.v1.ListServersRequest;
import io.mediamesh.api.v1.MediaServer;
import io.mediamesh.api.v1.MediaServerRole;
import io.mediamesh.api.v1.NginxConfig;
import io.mediamesh.api.v1.NginxListen;
import io.mediamesh.api.v1.PutConfigRequest;
import io.mediamesh.common.server.RunningService;
import io.mediamesh.common.testing.Await;
import io.mediamesh.config.testing.AgentFleet;
import io.mediamesh.config.testing.ConfigSvcFixture;
import io.mediamesh.config.testing.Servers;
import io.mediamesh.gateway.Gateway;
import io.mediamesh.gateway.testing.Browser;
import io.mediamesh.gateway.testing.ConfigGateway;
import io.mediamesh.gateway.testing.Browser.Viewport;
import io.mediamesh.gateway.testing.Mesh;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The console's Apply view in Debian's Chromium: the gateway in front of the real user-svc and
 * config-svc, four real agent processes (an origin, a relay, two edges) whose nginx files are
 * checked by the real nginx and whose reload takes a second, so that an apply can be watched, promoted,
 * cancelled and reloaded halfway. Edge "ui-edge-bad" listens on a port of its own that a
 * "clashing" edge document listens on too: nginx rejects the files of that server alone.
 */
class AdminApplyBrowserTest {
    private static final List<String> NAMES = List.of("ui-origin", "ui-relay", "ui-edge", "ui-edge-bad");
    private static final String BAD = "ui-edge-bad";

    @RegisterExtension
    static final ConfigSvcFixture configSvc = new ConfigSvcFixture();

    @RegisterExtension
    static final AgentFleet agents = new AgentFleet(
            NAMES, Map.of("config-agent.kinds", "nginx", "config-agent.reload.nginx", "sleep 1"));

    private static RunningService<Gateway> gateway;
    private static String admin;
    private static int clashPort;
    private static int changes;

    @RegisterExtension
    static final Browser browser = new Browser(() -> Set.of(origin()));

    @BeforeAll
    static void startGatewayAndRegisterServers() throws Exception {
        gateway = ConfigGateway.start(configSvc, Map.of());
        admin = configSvc.adminSession();
        clashPort = Mesh.freePort();
        List<MediaServerRole> roles = List.of(MEDIA_SERVER_ROLE_ORIGIN, MEDIA_SERVER_ROLE_RELAY, MEDIA_SERVER_ROLE_EDGE,
                                              MEDIA_SERVER_ROLE_EDGE);
        for (int i = 0; i < agents.all().size(); i++) {
            MediaServer.Builder server = Servers.loopback(NAMES.get(i), roles.get(i))
                                                .setAgentEndpoint(agents.all().get(i).endpoint());
            if (NAMES.get(i).equals(BAD)) {
                server.setOverrides(server.getOverrides().toBuilder().setNginxListenPort(clashPort));
            }
            configSvc.servers(admin).createServer(CreateServerRequest.newBuilder().setServer(server).build());
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    /** Every test leaves no apply running and no problem in any page. */
    @AfterEach
    void noApplyRunsAndThePagesWereClean() {
        Await.until("no apply runs", () -> configSvc.applies(admin).listApplies(ListAppliesRequest.getDefaultInstance())
                                                   .getAppliesList().stream().allMatch(apply -> apply.hasSummary()));
        browser.assertClean();
    }

    @Test
    void manualPromotionGoesStageByStageAndEndsWithTheNewVersionEverywhere() {
        newNginxRevision(false);
        Viewport viewport = Viewport.DESKTOP;
        Page page = signedInConsole(viewport);
        startApply(page, "Wait for me to promote");

        // ORIGIN goes through its steps in order, and then the apply waits; RELAY and EDGE have not begun.
        assertThat(row(page, "ui-origin")).hasAttribute("data-step", "activated");
        assertThat(page.locator(".apply-status")).containsText("ORIGIN is done");
        assertThat(steps(page, "ui-origin")).isEqualTo(List.of("rendered", "pushed", "validated", "activated"));
        assertThat(row(page, "ui-relay")).hasAttribute("data-step", "waiting");
        assertThat(row(page, "ui-edge")).hasAttribute("data-step", "waiting");
        assertThat(row(page, "ui-origin").locator(".steps li[data-step='pushed'] .took")).containsText("ms");
        assertThat(Browser.accessibilityViolations(page)).isEmpty();
        Browser.screenshot(page, "admin-apply-awaiting", viewport);

        promote(page).click();
        assertThat(row(page, "ui-relay")).hasAttribute("data-step", "activated");
        assertThat(page.locator(".apply-status")).containsText("RELAY is done");
        assertThat(row(page, "ui-edge")).hasAttribute("data-step", "waiting");
        promote(page).click();

        assertThat(page.locator(".apply-summary .outcome")).containsText("succeeded");
        for (String name : NAMES) {
            assertThat(steps(page, name)).isEqualTo(List.of("rendered", "pushed", "validated", "activated"));
            // The summary's new version is the one each server now runs, as the registry says.
            assertThat(page.locator(".apply-summary tr[data-server='" + name + "'] .version.now"))
                    .hasText(activeNginxVersion(name));
        }
        assertThat(promote(page)).isDisabled();
        assertThat(cancel(page)).isDisabled();
        assertThat(Browser.accessibilityViolations(page)).isEmpty();
        Browser.screenshot(page, "admin-apply-summary", viewport);
        page.context().close();
    }

    @Test
    void aFailureOnOneServerShowsNginxsOutputAndRollsEveryServerBack() {
        newNginxRevision(true);
        Viewport viewport = Viewport.PHONE;
        Page page = signedInConsole(viewport);
        startApply(page, "Go on automatically");

        assertThat(page.locator(".apply-summary .outcome")).containsText("rolled back");
        assertThat(row(page, BAD)).hasAttribute("data-step", "failed");
        Locator output = row(page, BAD).locator(".output");
        assertThat(output).containsText("CONFIG_VALIDATION_FAILED");
        // nginx's own words, as its -t run printed them.
        assertThat(output.locator(".tool-output")).containsText("nginx");
        assertThat(output.locator(".tool-output")).containsText(Integer.toString(clashPort));
        for (String name : NAMES) {
            if (!name.equals(BAD)) {
                List<String> seen = steps(page, name);
                assertThat(seen.get(seen.size() - 1)).as(name).isEqualTo("rolled_back");
            }
        }
        assertThat(Browser.accessibilityViolations(page)).isEmpty();
        Browser.screenshot(page, "admin-apply-rolled-back", viewport);
        page.context().close();
    }

    @Test
    void cancelHalfwayRollsBackWhatWasActivated() {
        newNginxRevision(false);
        Page page = signedInConsole(Viewport.DESKTOP);
        startApply(page, "Wait for me to promote");
        assertThat(page.locator(".apply-status")).containsText("ORIGIN is done");
        cancel(page).click();

        assertThat(page.locator(".apply-summary .outcome")).containsText("cancelled");
        assertThat(steps(page, "ui-origin")).isEqualTo(List.of("rendered", "pushed", "validated", "activated",
                                                              "rolled_back"));
        assertThat(row(page, "ui-edge")).hasAttribute("data-step", "waiting");
        assertThat(page.locator(".apply-summary tr[data-server='ui-origin'] .status")).hasText("rolled back");
        page.context().close();
    }

    @Test
    void aReloadKeepsTheProgressAndASecondAdminIsRefusedAConcurrentApply() {
        newNginxRevision(false);
        Viewport viewport = Viewport.DESKTOP;
        Page first = signedInConsole(viewport);
        startApply(first, "Wait for me to promote");
        assertThat(first.locator(".apply-status")).containsText("ORIGIN is done");
        assertThat(first).hasURL(java.util.regex.Pattern.compile("/admin/apply\\?apply=\\d+$"));
        List<String> before = steps(first, "ui-origin");

        // The reload closes the socket; the apply waits on, and the page draws it from its record.
        first.reload();
        assertThat(row(first, "ui-origin")).hasAttribute("data-step", "activated");
        assertThat(steps(first, "ui-origin")).isEqualTo(before);
        assertThat(row(first, "ui-relay")).hasAttribute("data-step", "waiting");
        assertThat(first.locator(".apply-status")).containsText("ORIGIN is done");
        Browser.screenshot(first, "admin-apply-reloaded", viewport);

        // Another admin sees it running and may not start a second nginx apply.
        Page second = signedInConsole(Viewport.PHONE);
        assertThat(second.locator(".apply-running")).containsText("of nginx by admin");
        assertThat(row(second, "ui-origin")).hasAttribute("data-step", "activated");
        second.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Start apply")).click();
        assertThat(second.locator(".apply-errors .error")).containsText("CONFIG_APPLY_IN_PROGRESS");
        assertThat(row(second, "ui-origin")).hasAttribute("data-step", "activated");
        Browser.screenshot(second, "admin-apply-refused", Viewport.PHONE);

        // The reloaded page still steers the apply (through the REST routes), and both see it end.
        promote(first).click();
        assertThat(row(first, "ui-relay")).hasAttribute("data-step", "activated");
        assertThat(first.locator(".apply-status")).containsText("RELAY is done");
        cancel(first).click();
        assertThat(first.locator(".apply-summary .outcome")).containsText("cancelled");
        assertThat(second.locator(".apply-summary .outcome")).containsText("cancelled");
        assertThat(steps(second, "ui-relay")).containsSubsequence("activated", "rolled_back");
        first.context().close();
        second.context().close();
    }

    /** A new page of a new person, signed in as the admin, on the Apply view. */
    private static Page signedInConsole(Viewport viewport) {
        BrowserContext context = browser.person(viewport);
        Page page = context.newPage();
        page.navigate(origin() + "/signin?next=" + "/admin/apply");
        page.getByLabel("User name").fill(ConfigSvcFixture.ADMIN);
        page.getByLabel("Password").fill(ConfigSvcFixture.ADMIN_PASSWORD);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Apply a configuration")))
                .isVisible();
        return page;
    }

    /** Starts an apply of the latest nginx revisions to every role, all or nothing, promoted as {@code promotion} says. */
    private static void startApply(Page page, String promotion) {
        page.getByLabel(promotion).check();
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Start apply")).click();
    }

    private static Locator row(Page page, String server) {
        return page.locator(".apply-stage tr[data-server='" + server + "']");
    }

    /** The steps a server's row lists, in order. */
    private static List<String> steps(Page page, String server) {
        return row(page, server).locator(".steps li").all().stream().map(step -> step.getAttribute("data-step"))
                                .toList();
    }

    private static Locator promote(Page page) {
        return page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Promote"));
    }

    private static Locator cancel(Page page) {
        return page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Cancel apply"));
    }

    private static String activeNginxVersion(String name) {
        MediaServer server = configSvc.servers(admin).listServers(ListServersRequest.getDefaultInstance())
                                      .getServersList().stream().filter(s -> s.getName().equals(name))
                                      .findFirst().orElseThrow();
        return server.getConfigsList().stream().filter(state -> state.getKind() == ConfigKind.CONFIG_KIND_NGINX)
                     .findFirst().orElseThrow().getActiveVersion();
    }

    /**
     * A new nginx revision for every role, so that every server has a new version to apply; with
     * {@code clash}, the edges' document also listens on the bad edge's own port.
     */
    private static void newNginxRevision(boolean clash) {
        changes++;
        for (MediaServerRole role : List.of(MEDIA_SERVER_ROLE_ORIGIN, MEDIA_SERVER_ROLE_RELAY, MEDIA_SERVER_ROLE_EDGE)) {
            NginxConfig current = configSvc.configs(admin).getConfig(GetConfigRequest.newBuilder()
                    .setKind(ConfigKind.CONFIG_KIND_NGINX).setRole(role).build()).getRevision().getDocument().getNginx();
            NginxConfig.Builder nginx = current.toBuilder().clearListen().addExtraLines("# console test " + changes);
            current.getListenList().stream().filter(listen -> listen.getPort() != clashPort).forEach(nginx::addListen);
            if (clash && role == MEDIA_SERVER_ROLE_EDGE) {
                nginx.addListen(NginxListen.newBuilder().setPort(clashPort));
            }
            configSvc.configs(admin).putConfig(PutConfigRequest.newBuilder().setKind(ConfigKind.CONFIG_KIND_NGINX)
                                                               .setRole(role)
                                                               .setDocument(ConfigDocument.newBuilder().setNginx(nginx))
                                                               .setMessage("console test " + changes).build());
        }
    }

    private static String origin() {
        return "http://127.0.0.1:" + gateway.port();
    }
}
