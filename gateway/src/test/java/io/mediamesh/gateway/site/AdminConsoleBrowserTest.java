package io.mediamesh.gateway.site;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import io.mediamesh.config.testing.AgentProcess;
import io.mediamesh.gateway.testing.Browser;
import io.mediamesh.gateway.testing.Browser.Viewport;
import io.mediamesh.gateway.testing.FailedTasks;
import io.mediamesh.gateway.testing.Mesh;
import io.mediamesh.gateway.testing.Rest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin console (/admin) in Debian's Chromium against the real gateway, user-svc, config-svc
 * (validating with the real nginx), scheduler-svc and real config agents in processes of their own:
 * the fleet (add, health, an agent that dies, disable, delete), a config refused by nginx itself
 * and then saved and compared, the audit of a real apply, a failed task retried; who gets no
 * console; every view scanned by axe-core and shot at phone and desktop width under
 * target/screenshots/.
 */
class AdminConsoleBrowserTest {
    @RegisterExtension
    static final Mesh mesh = new Mesh().withConfigSvc().withScheduler()
                                       .with("mediamesh.config-svc.health-check.interval", "1s");

    @RegisterExtension
    static final Browser browser = new Browser(() -> Set.of(mesh.gatewayUri()));

    @TempDir
    static Path agentsRoot;
    private static final List<AgentProcess> agents = new ArrayList<>();
    private static Rest rest;
    private static String admin;

    /** An agent for the fleet test to add and then lose, and a registered origin that applies go to. */
    @BeforeAll
    static void startAgents() throws Exception {
        agents.addAll(AgentProcess.startAll(List.of("console-edge", "console-origin"), agentsRoot,
                                            Map.of("config-agent.kinds", "nginx", "config-agent.reload.nginx", "true")));
        rest = mesh.rest();
        admin = rest.login(Mesh.ADMIN, Mesh.ADMIN_PASSWORD);
        rest.post("/api/admin/servers", Rest.json("name", "console-origin", "role", "origin",
                                                  "public_address", "127.0.0.2", "internal_address", "127.0.0.2",
                                                  "agent_endpoint", agents.get(1).endpoint()),
                  "X-Session-Id", admin).expect(201, "ok");
    }

    @AfterAll
    static void stopAgents() throws Exception {
        for (AgentProcess agent : agents) {
            agent.close();
        }
    }

    @Test
    void anAdminAddsAServerSeesItsHealthThenDisablesAndDeletesIt() throws Exception {
        Viewport viewport = Viewport.DESKTOP;
        BrowserContext context = browser.person(viewport);
        Page page = context.newPage();
        // Not signed in: sign in first, and back to the console.
        page.navigate(mesh.gatewayUri() + "/admin");
        assertThat(page).hasURL(Pattern.compile("/signin\\?next=%2Fadmin$"));
        signInHere(page, Mesh.ADMIN, Mesh.ADMIN_PASSWORD);
        assertThat(page).hasURL(mesh.gatewayUri() + "/admin");
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Fleet"))).isVisible();
        // The header offers the console to an admin on every page.
        assertThat(page.getByRole(AriaRole.BANNER).getByRole(AriaRole.LINK, new Locator.GetByRoleOptions()
                .setName("Console").setExact(true))).hasAttribute("href", "/admin");
        assertThat(page.locator("tr[data-server=console-origin]")).isVisible();

        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add server")).click();
        Locator form = page.locator("form.server-form");
        page.locator("#f-name").fill("console-edge");
        page.locator("#f-role").selectOption("edge");
        page.locator("#f-public_address").fill("127.0.0.3");
        page.locator("#f-internal_address").fill("127.0.0.3");
        page.locator("#f-agent_endpoint").fill(agents.get(0).endpoint());
        // An edge needs a relay group: the API's refusal, next to its field.
        form.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Add server")).click();
        assertThat(page.locator("#f-relay_group-error")).containsText("INVALID_SERVER");
        assertThat(page.locator("#f-relay_group")).hasAttribute("aria-invalid", "true");
        Browser.screenshot(page, "admin-fleet-invalid", viewport);
        page.locator("#f-relay_group").fill("g1");
        form.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Add server")).click();
        assertThat(form).isHidden();
        Locator row = page.locator("tr[data-server=console-edge]");
        assertThat(row).containsText("edge");
        assertThat(row).containsText("g1");
        assertThat(row).containsText(agents.get(0).endpoint());
        // The console polls: the health check's verdict shows without a reload.
        assertThat(row.locator(".state").first()).hasText("healthy", new LocatorAssertions.HasTextOptions().setTimeout(30_000));
        assertThat(Browser.accessibilityViolations(page)).as("axe on the fleet").isEmpty();

        // Edit: the form comes filled in; the change shows in the row.
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Edit console-edge")).click();
        assertThat(page.locator("#f-agent_endpoint")).hasValue(agents.get(0).endpoint());
        page.locator("#f-relay_group").fill("g2");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save server")).click();
        assertThat(form).isHidden();
        assertThat(row).containsText("g2");
        assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Edit console-edge"))).isFocused();

        // The agent dies: the row and an alert say so.
        agents.get(0).close();
        assertThat(page.locator(".alerts")).containsText("Unhealthy: console-edge",
                                                         new LocatorAssertions.ContainsTextOptions().setTimeout(30_000));
        assertThat(row).hasClass(Pattern.compile("unhealthy"));
        assertThat(row.locator(".state").first()).hasText("unhealthy");
        Browser.screenshot(page, "admin-fleet-unhealthy", viewport);

        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Disable console-edge")).click();
        assertThat(row.locator(".badge")).hasText("disabled");
        assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Enable console-edge"))).isVisible();
        JsonNode listed = rest.get("/api/admin/servers?enabled=false", "X-Session-Id", admin).expect(200, "ok").body();
        assertThat(listed.get("servers").findValues("name")).extracting(JsonNode::asText).contains("console-edge")
                                                                         .doesNotContain("console-origin");

        Locator delete = page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Delete console-edge"));
        page.onceDialog(dialog -> dialog.dismiss());
        delete.click();
        assertThat(row).isVisible();
        page.onceDialog(dialog -> {
            assertThat(dialog.message()).contains("Delete the media server \"console-edge\"?");
            dialog.accept();
        });
        delete.click();
        assertThat(row).hasCount(0);
        assertThat(rest.get("/api/admin/servers", "X-Session-Id", admin).expect(200, "ok").body().get("servers")
                       .findValues("name")).extracting(JsonNode::asText).doesNotContain("console-edge");
        browser.assertClean();
        context.close();
    }

    @Test
    void nginxRefusesABadDirectiveInItsOwnWordsThenTheFixIsSavedAndCompared() {
        rest.post("/api/admin/servers", Rest.json("name", "console-render", "role", "edge", "relay_group", "g9",
                                                  "public_address", "127.0.0.4", "internal_address", "127.0.0.4",
                                                  "agent_endpoint", "127.0.0.4:9110", "enabled", false),
                  "X-Session-Id", admin).expect(201, "ok");
        Viewport viewport = Viewport.DESKTOP;
        BrowserContext context = browser.person(viewport);
        Page page = context.newPage();
        signIn(page, "/admin/configs?kind=nginx&role=edge");
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("nginx · edge"))).isVisible();
        Locator extra = page.getByLabel("Extra lines (one per line)");
        // Fields say what they mean.
        assertThat(page.getByLabel("Worker connections")).hasAttribute("aria-describedby", "doc-worker_connections-help");
        assertThat(page.locator("#doc-worker_connections-help")).hasText("events.worker_connections; 0 = 1024.");
        // A secret stays hidden until asked for.
        Locator secret = page.locator("#doc-recordings_secret");
        assertThat(secret).hasAttribute("type", "password");
        Locator reveal = page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Show recordings secret"));
        reveal.click();
        assertThat(secret).hasAttribute("type", "text");
        assertThat(reveal).hasAttribute("aria-pressed", "true");

        // A directive off the allowlist never reaches nginx: refused with its name.
        extra.fill("load_module /tmp/evil.so;");
        page.getByLabel("Message (why this change)").fill("try a module");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save revision")).click();
        Locator refusal = page.locator(".save-status .error");
        assertThat(refusal).containsText("CONFIG_RENDER_FAILED");
        assertThat(refusal).containsText("\"load_module\"");
        // An allowed directive that nginx itself rejects: nginx -t's own words.
        extra.fill("add_header X-Console;");
        page.getByLabel("Message (why this change)").fill("try a header");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save revision")).click();
        assertThat(refusal).containsText("CONFIG_VALIDATION_FAILED");
        assertThat(refusal).containsText("invalid number of arguments in \"add_header\" directive");
        Browser.screenshot(page, "admin-configs-refused", viewport);

        extra.fill("add_header X-Console yes;");
        page.getByLabel("Message (why this change)").fill("mark answers from the console");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save revision")).click();
        assertThat(page.locator(".save-status .notice")).containsText("Saved revision");
        assertThat(page.locator(".save-status .notice")).containsText("nginx accepted it.");
        Locator history = page.locator("section[aria-labelledby=history-title] tbody tr");
        assertThat(history.first()).containsText("mark answers from the console");
        assertThat(history.first()).containsText(Mesh.ADMIN);

        // The documents side by side: the previous revision against the current one.
        history.nth(1).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName(Pattern.compile("^Compare r\\d+"))).click();
        Locator diff = page.locator(".diff-output .diff-table");
        assertThat(diff.locator("td.added", new Locator.LocatorOptions().setHasText("add_header X-Console yes;")))
                .isVisible();
        // And the file that one edge server would get.
        page.getByLabel("Show as").selectOption(new com.microsoft.playwright.options.SelectOption().setLabel("the files console-render would get"));
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Show diff")).click();
        assertThat(page.locator(".diff-output caption")).containsText("nginx.conf for console-render");
        // The rendered file: the line inside the server block (after the renderer's own comment), nothing removed.
        assertThat(diff.locator("td.added", new Locator.LocatorOptions().setHasText("add_header")))
                .hasText(Pattern.compile("\\+ added: \\s*add_header X-Console yes;"));
        assertThat(diff.locator("td.removed")).hasCount(0);
        Browser.screenshot(page, "admin-configs-diff", viewport);
        assertThat(Browser.accessibilityViolations(page)).as("axe on configs").isEmpty();
        browser.assertClean();
        context.close();
    }

    @Test
    void theAuditShowsARealApplyAndAFailedTaskIsRetried() {
        JsonNode applied = applyNginxToTheOrigin();
        long task = rest.delete("/scheduler/videos/777", "X-Session-Id", admin).expect(200, "ok").body().get("task")
                        .get("id").asLong();
        FailedTasks.fail(mesh.schedulerDatabase(), task, "media-svc was down");
        BrowserContext context = browser.person(Viewport.DESKTOP);
        Page page = context.newPage();
        signIn(page, "/admin/audit?kind=nginx&outcome=succeeded");
        Locator record = page.locator("#apply-" + applied.get("apply_id").asText());
        assertThat(record.locator("summary")).containsText("Succeeded");
        assertThat(record.locator("summary")).containsText("by " + Mesh.ADMIN);
        record.locator("summary").click();
        assertThat(record.locator("table").first()).containsText("console-origin");
        assertThat(record.locator("table").first()).containsText("Activated");
        assertThat(record.locator("table.events")).containsText("Rendered");
        page.getByLabel("Apply outcome").selectOption("rolled_back");
        assertThat(page.getByText("No applies match.")).isVisible();
        assertThat(page).hasURL(mesh.gatewayUri() + "/admin/audit?kind=nginx&outcome=rolled_back");

        page.getByRole(AriaRole.NAVIGATION, new Page.GetByRoleOptions().setName("Admin console"))
            .getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Scheduler")).click();
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Failed")).click();
        Locator row = page.locator("tr[data-task=\"" + task + "\"]");
        assertThat(row).containsText("media-svc was down");
        assertThat(row).containsText("8 of 8");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Retry task " + task)).click();
        assertThat(row.locator(".state")).hasText("pending");
        assertThat(row).containsText("8 of 16");
        assertThat(rest.get("/scheduler/tasks?state=pending", "X-Session-Id", admin).expect(200, "ok").body()
                       .get("tasks").findValues("id")).extracting(JsonNode::asLong).contains(task);
        browser.assertClean();
        context.close();
    }

    @Test
    void nobodyButAnAdminGetsTheConsole() {
        rest.register("console_user");
        BrowserContext context = browser.person(Viewport.PHONE);
        Page page = context.newPage();
        page.navigate(mesh.gatewayUri() + "/signin?next=%2Fadmin%2Fconfigs");
        signInHere(page, "console_user", "password-console_user");
        assertThat(page).hasURL(mesh.gatewayUri() + "/admin/configs");
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("403");
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("console_user is not an admin");
        assertThat(page.getByRole(AriaRole.NAVIGATION, new Page.GetByRoleOptions().setName("Admin console"))).hasCount(0);
        assertThat(page.locator("form")).hasCount(0);
        assertThat(page.getByRole(AriaRole.BANNER).getByRole(AriaRole.LINK, new Locator.GetByRoleOptions()
                .setName("Console").setExact(true))).hasCount(0);
        Browser.screenshot(page, "admin-forbidden", Viewport.PHONE);
        assertThat(Browser.accessibilityViolations(page)).as("axe on the 403").isEmpty();
        browser.assertClean();
        context.close();
    }

    /** Every view at both widths: screenshots for a reviewer, and axe finds nothing serious. */
    @Test
    void everyViewLooksRightAtPhoneAndDesktopWidth() {
        applyNginxToTheOrigin();
        long task = rest.delete("/scheduler/videos/778", "X-Session-Id", admin).expect(200, "ok").body().get("task")
                        .get("id").asLong();
        FailedTasks.fail(mesh.schedulerDatabase(), task, "media-svc answered 503");
        for (Viewport viewport : Viewport.values()) {
            BrowserContext context = browser.person(viewport);
            Page page = context.newPage();
            signIn(page, "/admin/fleet");
            for (String view : List.of("fleet", "configs", "audit", "scheduler")) {
                page.navigate(mesh.gatewayUri() + "/admin/" + view);
                assertThat(page.locator(".console-view h1")).isVisible();
                page.waitForLoadState(com.microsoft.playwright.options.LoadState.NETWORKIDLE);
                if (view.equals("audit")) {
                    page.locator(".apply-record summary").first().click();
                    assertThat(page.locator(".apply-record table.events").first()).isVisible();
                }
                assertThat(page.locator(".loading")).hasCount(0);
                Browser.screenshot(page, "admin-" + view, viewport);
                assertThat(Browser.accessibilityViolations(page)).as("axe on %s at %s", view, viewport).isEmpty();
            }
            context.close();
        }
        browser.assertClean();
    }

    /** Writes a new nginx revision for the origin and applies it through the REST API; returns its record. */
    private static JsonNode applyNginxToTheOrigin() {
        JsonNode document = rest.get("/api/admin/configs/nginx/origin", "X-Session-Id", admin).expect(200, "ok").body()
                                .get("document");
        ((com.fasterxml.jackson.databind.node.ArrayNode) document.get("extra_lines")).add("# console test " + System.nanoTime());
        rest.put("/api/admin/configs/nginx/origin", "{\"document\":" + document + ",\"message\":\"for the audit\"}",
                 "X-Session-Id", admin).expect(200, "ok");
        rest.send(com.linecorp.armeria.common.HttpMethod.POST, "/api/admin/configs/apply",
                  "{\"kind\":\"nginx\",\"roles\":[\"origin\"],\"message\":\"from the console test\"}",
                  "X-Session-Id", admin);
        JsonNode latest = rest.get("/api/admin/configs/applies?kind=nginx&limit=1", "X-Session-Id", admin)
                              .expect(200, "ok").body().get("applies").get(0);
        assertThat(latest.get("outcome").asText()).isEqualTo("succeeded");
        return latest;
    }

    private static void signIn(Page page, String path) {
        page.navigate(mesh.gatewayUri() + "/signin?next=" + java.net.URLEncoder.encode(path, java.nio.charset.StandardCharsets.UTF_8));
        signInHere(page, Mesh.ADMIN, Mesh.ADMIN_PASSWORD);
        assertThat(page).hasURL(mesh.gatewayUri() + path);
    }

    private static void signInHere(Page page, String name, String password) {
        page.getByLabel("User name").fill(name);
        page.getByLabel("Password").fill(password);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
    }
}
