package io.mediamesh.config.apply;

import static io.mediamesh.api.v1.MediaServerRole.MEDIA_SERVER_ROLE_EDGE;
import static io.mediamesh.api.v1.MediaServerRole.MEDIA_SERVER_ROLE_ORIGIN;
import static io.mediamesh.api.v1.MediaServerRole.MEDIA_SERVER_ROLE_RELAY;
import static io.mediamesh.common.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import io.mediamesh.api.v1.ApplyConfigResponse;
import io.mediamesh.api.v1.ApplyEvent;
import io.mediamesh.api.v1.ApplyOutcome;
import io.mediamesh.api.v1.ApplyPolicy;
import io.mediamesh.api.v1.ApplyStep;
import io.mediamesh.api.v1.ApplySummary;
import io.mediamesh.api.v1.ConfigDocument;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.ConfigServiceGrpc.ConfigServiceBlockingStub;
import io.mediamesh.api.v1.CreateServerRequest;
import io.mediamesh.api.v1.DeleteServerRequest;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.GetApplyRequest;
import io.mediamesh.api.v1.GetApplyResponse;
import io.mediamesh.api.v1.GetConfigRequest;
import io.mediamesh.api.v1.GetServerRequest;
import io.mediamesh.api.v1.ListAppliesRequest;
import io.mediamesh.api.v1.MediaServer;
import io.mediamesh.api.v1.MediaServerRole;
import io.mediamesh.api.v1.NginxConfig;
import io.mediamesh.api.v1.NginxListen;
import io.mediamesh.api.v1.PromotionMode;
import io.mediamesh.api.v1.PutConfigRequest;
import io.mediamesh.api.v1.RenderConfigRequest;
import io.mediamesh.api.v1.ServerApplyResult;
import io.mediamesh.api.v1.ServerApplyStatus;
import io.mediamesh.api.v1.ServerStatus;
import io.mediamesh.api.v1.StartApply;
import io.mediamesh.api.v1.UpdateServerRequest;
import io.mediamesh.common.testing.Await;
import io.mediamesh.config.testing.AgentProcess;
import io.mediamesh.config.testing.ApplyStream;
import io.mediamesh.config.testing.ConfigSvcFixture;
import io.mediamesh.config.testing.Servers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Applies to thirteen real agents, each a process of its own with its own folder (two origins,
 * four relays, six edges, and one spare edge that is switched on to be killed), checking with the
 * real nginx, janus-cfgconv and turnserver.
 *
 * <p>Edge "edge-5" listens on {@link #CLASH_PORT}: a document that adds a second listen on that
 * port renders fine for every server but is rejected by nginx for that one alone, which is how a
 * single server's failure is produced.
 */
class ConfigApplyTest {
    private static final int CLASH_PORT = 18999;
    private static final String BAD_SERVER = "edge-5";
    private static final String DOOMED = "edge-doomed";
    private static final List<String> NAMES = List.of("origin-1", "origin-2", "relay-1", "relay-2", "relay-3",
                                                      "relay-4", "edge-1", "edge-2", "edge-3", "edge-4", "edge-5",
                                                      "edge-6");
    private static final AtomicInteger CHANGES = new AtomicInteger();

    @RegisterExtension
    static final ConfigSvcFixture fixture = new ConfigSvcFixture()
            .with("mediamesh.config-svc.health-check.interval", "300ms");

    @TempDir
    static Path root;
    private static final Map<String, AgentProcess> agents = new LinkedHashMap<>();
    private static final Map<String, MediaServer> servers = new LinkedHashMap<>();
    private static String admin;
    private static NginxConfig baseNginx;

    @BeforeAll
    static void startAgentsAndRegisterServers() throws Exception {
        List<String> all = new ArrayList<>(NAMES);
        all.add(DOOMED);
        for (AgentProcess agent : AgentProcess.startAll(all, root,
                                                        Map.of("config-svc.validation.coturn-trial", "1s"))) {
            agents.put(agent.serverName(), agent);
        }
        admin = fixture.adminSession();
        for (String name : all) {
            MediaServer.Builder server = Servers.loopback(name, roleOf(name))
                                                .setAgentEndpoint(agents.get(name).endpoint())
                                                .setEnabled(!name.equals(DOOMED));
            if (name.equals(BAD_SERVER)) {
                server.setOverrides(server.getOverrides().toBuilder().setNginxListenPort(CLASH_PORT));
            }
            servers.put(name, fixture.servers(admin).createServer(
                    CreateServerRequest.newBuilder().setServer(server).build()).getServer());
        }
        baseNginx = configs().getConfig(GetConfigRequest.newBuilder().setKind(ConfigKind.CONFIG_KIND_NGINX)
                                                        .setRole(MEDIA_SERVER_ROLE_EDGE).build())
                             .getRevision().getDocument().getNginx();
        // Every server starts with files in force, so that there is something to go back to.
        assertThat(ApplyStream.start(fixture.port(), admin, nginx(ApplyPolicy.APPLY_POLICY_ALL_OR_NOTHING))
                              .summary().getOutcome()).isEqualTo(ApplyOutcome.APPLY_OUTCOME_SUCCEEDED);
    }

    @AfterAll
    static void stopAgents() throws Exception {
        for (AgentProcess agent : agents.values()) {
            agent.close();
        }
    }

    @Test
    void aGoodApplyActivatesEverywhereStageByStageInOrderAndIsAudited() throws Exception {
        putNginxForAllRoles(false);
        ApplyStream stream = ApplyStream.start(fixture.port(), admin, nginx(ApplyPolicy.APPLY_POLICY_ALL_OR_NOTHING));
        ApplySummary summary = stream.summary();

        assertThat(summary.getOutcome()).isEqualTo(ApplyOutcome.APPLY_OUTCOME_SUCCEEDED);
        assertThat(summary.getServersTotal()).isEqualTo(NAMES.size());
        assertThat(summary.getActivated()).isEqualTo(NAMES.size());
        List<ApplyConfigResponse> messages = stream.received();
        assertThat(messages.get(0).hasStarted()).isTrue();
        assertThat(messages.get(0).getStarted().getStagesList()).extracting(stage -> stage.getRole())
                .containsExactly(MEDIA_SERVER_ROLE_ORIGIN, MEDIA_SERVER_ROLE_RELAY, MEDIA_SERVER_ROLE_EDGE);
        assertThat(messages.get(messages.size() - 1).hasSummary()).isTrue();

        List<ApplyEvent> events = stream.events();
        assertThat(events).extracting(ApplyEvent::getSequence).isSorted().doesNotHaveDuplicates();
        for (String name : NAMES) {
            assertThat(stepsOf(events, name)).as("steps of %s", name).containsExactly(
                    ApplyStep.APPLY_STEP_RENDERED, ApplyStep.APPLY_STEP_PUSHED, ApplyStep.APPLY_STEP_VALIDATED,
                    ApplyStep.APPLY_STEP_ACTIVATED);
            assertThat(activeNginx(name)).as("active file of %s", name).isEqualTo(rendered(name));
        }
        // Stages one after the other: every origin is done before any relay starts, and so on.
        assertThat(lastSequence(events, MEDIA_SERVER_ROLE_ORIGIN)).isLessThan(firstSequence(events, MEDIA_SERVER_ROLE_RELAY));
        assertThat(lastSequence(events, MEDIA_SERVER_ROLE_RELAY)).isLessThan(firstSequence(events, MEDIA_SERVER_ROLE_EDGE));
        // The validation event carries what nginx said (nginx -t -q prints nothing when the file is fine).
        assertThat(events).filteredOn(event -> event.getStep() == ApplyStep.APPLY_STEP_VALIDATED)
                          .allSatisfy(event -> assertThat(event.getMessage()).contains("nginx accepted"));

        // The audit record holds the same events and summary.
        GetApplyResponse audit = fixture.applies(admin).getApply(GetApplyRequest.newBuilder()
                                                                   .setApplyId(summary.getApplyId()).build());
        assertThat(audit.getEventsList()).isEqualTo(events);
        assertThat(audit.getApply().getSummary()).isEqualTo(summary);
        assertThat(audit.getApply().getAuthor()).isEqualTo(ConfigSvcFixture.ADMIN);
        assertThat(audit.getApply().getStagesList()).isEqualTo(messages.get(0).getStarted().getStagesList());
        assertThat(fixture.applies(admin).listApplies(ListAppliesRequest.newBuilder().setKind(ConfigKind.CONFIG_KIND_NGINX).build())
                            .getApplies(0).getApplyId()).isEqualTo(summary.getApplyId());
        // The registry knows what each server runs now.
        for (ServerApplyResult result : summary.getResultsList()) {
            MediaServer server = fixture.servers(admin).getServer(
                    GetServerRequest.newBuilder().setServerId(result.getServerId()).build()).getServer();
            assertThat(server.getConfigsList()).anySatisfy(state -> {
                assertThat(state.getKind()).isEqualTo(ConfigKind.CONFIG_KIND_NGINX);
                assertThat(state.getActiveVersion()).isEqualTo(result.getVersion());
            });
        }

        // Applying the same again changes nothing and says so.
        Map<String, String> before = snapshot();
        ApplyStream again = ApplyStream.start(fixture.port(), admin, nginx(ApplyPolicy.APPLY_POLICY_ALL_OR_NOTHING));
        ApplySummary noop = again.summary();
        assertThat(noop.getOutcome()).isEqualTo(ApplyOutcome.APPLY_OUTCOME_SUCCEEDED);
        assertThat(noop.getAlreadyActive()).isEqualTo(NAMES.size());
        for (String name : NAMES) {
            assertThat(stepsOf(again.events(), name)).containsExactly(ApplyStep.APPLY_STEP_RENDERED,
                                                                      ApplyStep.APPLY_STEP_SKIPPED);
        }
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void janusAndCoturnFilesAreCheckedByTheirToolsAndActivated() throws Exception {
        for (ConfigKind kind : List.of(ConfigKind.CONFIG_KIND_JANUS, ConfigKind.CONFIG_KIND_COTURN)) {
            ApplyStream stream = ApplyStream.start(fixture.port(), admin, StartApply.newBuilder().setKind(kind)
                    .setPolicy(ApplyPolicy.APPLY_POLICY_ALL_OR_NOTHING).build());
            ApplySummary summary = stream.summary();
            assertThat(summary.getOutcome()).as("%s: %s", kind, summary).isIn(ApplyOutcome.APPLY_OUTCOME_SUCCEEDED);
            assertThat(summary.getActivated() + summary.getAlreadyActive()).isEqualTo(NAMES.size());
        }
        for (String name : NAMES) {
            assertThat(agents.get(name).activeFile("janus", "janus.plugin.videoroom.jcfg")).exists();
            assertThat(Files.readString(agents.get(name).activeFile("coturn", "turnserver.conf")))
                    .contains("listening-port=" + servers.get(name).getOverrides().getCoturnListeningPort());
        }
    }

    @Test
    void allOrNothingPutsEveryTouchedServerBackByteForByteWhenOneFails() throws Exception {
        Map<String, String> before = snapshot();
        putNginxForAllRoles(true);
        ApplyStream stream = ApplyStream.start(fixture.port(), admin, nginx(ApplyPolicy.APPLY_POLICY_ALL_OR_NOTHING));
        ApplySummary summary = stream.summary();

        assertThat(summary.getOutcome()).isEqualTo(ApplyOutcome.APPLY_OUTCOME_ROLLED_BACK);
        assertThat(summary.getFailed()).isEqualTo(1);
        assertThat(summary.getErrorCode()).isEqualTo(ErrorCode.CONFIG_VALIDATION_FAILED);
        assertThat(summary.getRolledBack()).isGreaterThanOrEqualTo(6);
        ApplyEvent failure = stream.events().stream()
                                   .filter(event -> event.getStep() == ApplyStep.APPLY_STEP_FAILED).findFirst()
                                   .orElseThrow();
        assertThat(failure.getServerName()).isEqualTo(BAD_SERVER);
        assertThat(failure.getErrorCode()).isEqualTo(ErrorCode.CONFIG_VALIDATION_FAILED);
        assertThat(failure.getToolOutput()).contains("duplicate listen").contains(String.valueOf(CLASH_PORT));
        assertThat(result(summary, BAD_SERVER).getToolOutput()).contains("duplicate listen");
        // Every server that had taken the new files got its old ones back, last stage first.
        for (ServerApplyResult result : summary.getResultsList()) {
            assertThat(result.getStatus()).isNotEqualTo(ServerApplyStatus.SERVER_APPLY_STATUS_ACTIVATED);
            if (result.getStatus() == ServerApplyStatus.SERVER_APPLY_STATUS_ROLLED_BACK) {
                assertThat(stepsOf(stream.events(), result.getServerName())).endsWith(
                        ApplyStep.APPLY_STEP_ACTIVATED, ApplyStep.APPLY_STEP_ROLLED_BACK);
            }
        }
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void bestEffortLeavesOnlyTheFailingServerOnItsOldFile() throws Exception {
        Map<String, String> before = snapshot();
        putNginxForAllRoles(true);
        ApplySummary summary = ApplyStream.start(fixture.port(), admin, nginx(ApplyPolicy.APPLY_POLICY_BEST_EFFORT))
                                          .summary();

        assertThat(summary.getOutcome()).isEqualTo(ApplyOutcome.APPLY_OUTCOME_PARTIAL);
        assertThat(summary.getFailed()).isEqualTo(1);
        assertThat(summary.getActivated()).isEqualTo(NAMES.size() - 1);
        Map<String, String> after = snapshot();
        for (String name : NAMES) {
            if (name.equals(BAD_SERVER)) {
                assertThat(after.get(name)).isEqualTo(before.get(name));
            } else {
                assertThat(activeNginx(name)).as("active file of %s", name).isEqualTo(rendered(name));
            }
        }
    }

    @Test
    void anAgentKilledMidApplyFailsAsUnreachableAndTheOthersRollBack() throws Exception {
        MediaServer doomed = setEnabled(DOOMED, true);
        try {
            Map<String, String> before = snapshot();
            putNginxForAllRoles(false);
            ApplyStream stream = ApplyStream.start(fixture.port(), admin, nginx(ApplyPolicy.APPLY_POLICY_ALL_OR_NOTHING)
                    .toBuilder().setPromotion(PromotionMode.PROMOTION_MODE_MANUAL).build());
            stream.await(ApplyConfigResponse::hasAwaitingPromotion);
            stream.promote();
            stream.await(ApplyConfigResponse::hasAwaitingPromotion);
            // The relays are done; the edge stage has not begun. The spare edge's host dies now.
            agents.get(DOOMED).kill();
            stream.promote();
            ApplySummary summary = stream.summary();

            assertThat(summary.getOutcome()).isEqualTo(ApplyOutcome.APPLY_OUTCOME_ROLLED_BACK);
            ServerApplyResult dead = result(summary, DOOMED);
            assertThat(dead.getStatus()).isEqualTo(ServerApplyStatus.SERVER_APPLY_STATUS_FAILED);
            assertThat(dead.getErrorCode()).isEqualTo(ErrorCode.CONFIG_TARGET_UNREACHABLE);
            assertThat(stream.events()).filteredOn(event -> event.getServerName().equals(DOOMED))
                    .last().satisfies(event -> {
                        assertThat(event.getStep()).isEqualTo(ApplyStep.APPLY_STEP_FAILED);
                        assertThat(event.getMessage()).contains("did not answer", DOOMED)
                                                      // The agent's address is for the log.
                                                      .doesNotContain(doomed.getAgentEndpoint(), "127.0.0.1");
                    });
            assertThat(summary.getRolledBack()).isGreaterThanOrEqualTo(6);
            assertThat(snapshot()).isEqualTo(before);

            // The health check notices too.
            awaitStatus(doomed.getId(), ServerStatus.SERVER_STATUS_UNHEALTHY);
            assertThat(server(doomed.getId()).getStatusMessage()).contains("did not answer")
                                                               .doesNotContain(doomed.getAgentEndpoint());
            awaitStatus(servers.get("edge-1").getId(), ServerStatus.SERVER_STATUS_HEALTHY);
        } finally {
            setEnabled(DOOMED, false);
        }
    }

    @Test
    void manualPromotionWaitsBetweenStagesAndACancelRollsBack() throws Exception {
        Map<String, String> before = snapshot();
        putNginxForAllRoles(false);
        ApplyStream stream = ApplyStream.start(fixture.port(), admin, nginx(ApplyPolicy.APPLY_POLICY_ALL_OR_NOTHING)
                .toBuilder().setPromotion(PromotionMode.PROMOTION_MODE_MANUAL).build());

        var afterOrigins = stream.await(ApplyConfigResponse::hasAwaitingPromotion).getAwaitingPromotion();
        assertThat(afterOrigins.getCompletedRole()).isEqualTo(MEDIA_SERVER_ROLE_ORIGIN);
        assertThat(afterOrigins.getNextRole()).isEqualTo(MEDIA_SERVER_ROLE_RELAY);
        assertThat(afterOrigins.getNextStageServers()).isEqualTo(4);
        // Nothing happens while it waits: no event, the relays keep their files.
        Thread.sleep(1000);
        assertThat(stream.pending()).isEmpty();
        for (String name : NAMES) {
            if (roleOf(name) == MEDIA_SERVER_ROLE_ORIGIN) {
                assertThat(activeNginx(name)).isEqualTo(rendered(name));
            } else {
                assertThat(snapshot().get(name)).isEqualTo(before.get(name));
            }
        }
        stream.promote();
        var afterRelays = stream.await(ApplyConfigResponse::hasAwaitingPromotion).getAwaitingPromotion();
        assertThat(afterRelays.getCompletedRole()).isEqualTo(MEDIA_SERVER_ROLE_RELAY);
        stream.cancel("Halfway is far enough.");
        ApplySummary summary = stream.summary();

        assertThat(summary.getOutcome()).isEqualTo(ApplyOutcome.APPLY_OUTCOME_CANCELLED);
        assertThat(summary.getRolledBack()).isEqualTo(6);
        assertThat(summary.getNotAttempted()).isEqualTo(6);
        assertThat(snapshot()).isEqualTo(before);
        assertThat(fixture.applies(admin).getApply(GetApplyRequest.newBuilder().setApplyId(summary.getApplyId()).build())
                            .getApply().getCancelReason()).isEqualTo("Halfway is far enough.");
    }

    @Test
    void aSecondApplyOfTheSameKindIsRefusedWhileOneRuns() throws Exception {
        putNginxForAllRoles(false);
        ApplyStream first = ApplyStream.start(fixture.port(), admin, nginx(ApplyPolicy.APPLY_POLICY_ALL_OR_NOTHING)
                .toBuilder().setPromotion(PromotionMode.PROMOTION_MODE_MANUAL).build());
        first.await(ApplyConfigResponse::hasAwaitingPromotion);

        ApplyStream second = ApplyStream.start(fixture.port(), admin, nginx(ApplyPolicy.APPLY_POLICY_BEST_EFFORT));
        assertFails(ErrorCode.CONFIG_APPLY_IN_PROGRESS, second::awaitEnd);
        assertThat(second.received()).isEmpty();
        // Nor may a server the apply works on be deleted meanwhile.
        assertFails(ErrorCode.CONFIG_APPLY_IN_PROGRESS, () -> fixture.servers(admin).deleteServer(
                DeleteServerRequest.newBuilder().setServerId(servers.get("edge-1").getId()).build()));
        // Another kind is not held up.
        ApplyStream otherKind = ApplyStream.start(fixture.port(), admin, StartApply.newBuilder()
                .setKind(ConfigKind.CONFIG_KIND_COTURN).addRoles(MEDIA_SERVER_ROLE_ORIGIN).build());
        assertThat(otherKind.summary().getOutcome()).isEqualTo(ApplyOutcome.APPLY_OUTCOME_SUCCEEDED);

        first.cancel("done");
        assertThat(first.summary().getOutcome()).isEqualTo(ApplyOutcome.APPLY_OUTCOME_CANCELLED);
        // The kind is free again.
        ApplySummary next = ApplyStream.start(fixture.port(), admin, nginx(ApplyPolicy.APPLY_POLICY_ALL_OR_NOTHING)
                .toBuilder().addRoles(MEDIA_SERVER_ROLE_ORIGIN).build()).summary();
        assertThat(next.getOutcome()).isEqualTo(ApplyOutcome.APPLY_OUTCOME_SUCCEEDED);
    }

    @Test
    void badStartsAreRefusedBeforeAnyServerIsTouched() throws Exception {
        Map<String, String> before = snapshot();
        StartApply good = nginx(ApplyPolicy.APPLY_POLICY_ALL_OR_NOTHING);
        assertRefused(ErrorCode.INVALID_CONFIG_TARGET, admin, good.toBuilder().setKind(ConfigKind.CONFIG_KIND_UNSPECIFIED)
                                                                     .build());
        assertRefused(ErrorCode.INVALID_CONFIG_TARGET, admin, good.toBuilder()
                .addRoles(MediaServerRole.MEDIA_SERVER_ROLE_UNSPECIFIED).build());
        // The edges' first nginx revision is 3 (origin 1, relay 2, edge 3 at start-up).
        assertRefused(ErrorCode.REVISION_NOT_FOUND, admin, good.toBuilder().setRevision(1)
                                                                  .addRoles(MEDIA_SERVER_ROLE_EDGE).build());
        assertRefused(ErrorCode.INVALID_REQUEST, admin, good.toBuilder().setMaxParallel(100_000).build());
        assertRefused(ErrorCode.INVALID_REQUEST, admin, good.toBuilder().setRevision(-1).build());
        assertRefused(ErrorCode.PERMISSION_DENIED, fixture.userSession("not-an-admin"), good);
        assertRefused(ErrorCode.UNAUTHENTICATED, "no-such-session", good);

        ApplyStream promoteFirst = ApplyStream.open(fixture.port(), admin);
        promoteFirst.promote();
        assertFails(ErrorCode.INVALID_REQUEST, promoteFirst::awaitEnd);
        assertThat(snapshot()).isEqualTo(before);
    }

    private static void assertRefused(ErrorCode code, String session, StartApply start) {
        ApplyStream stream = ApplyStream.start(fixture.port(), session, start);
        assertFails(code, stream::awaitEnd);
        assertThat(stream.received()).as("messages of a refused apply").isEmpty();
    }

    /** A new nginx revision for every role (so every server gets a new version); with the clash for the edges. */
    private static void putNginxForAllRoles(boolean clash) {
        int change = CHANGES.incrementAndGet();
        for (MediaServerRole role : List.of(MEDIA_SERVER_ROLE_ORIGIN, MEDIA_SERVER_ROLE_RELAY, MEDIA_SERVER_ROLE_EDGE)) {
            NginxConfig.Builder nginx = baseNginx.toBuilder().addExtraLines("# change " + change);
            if (clash && role == MEDIA_SERVER_ROLE_EDGE) {
                nginx.addListen(NginxListen.newBuilder().setPort(CLASH_PORT));
            }
            configs().putConfig(PutConfigRequest.newBuilder().setKind(ConfigKind.CONFIG_KIND_NGINX).setRole(role)
                                                .setDocument(ConfigDocument.newBuilder().setNginx(nginx))
                                                .setMessage("change " + change).build());
        }
    }

    private static StartApply nginx(ApplyPolicy policy) {
        return StartApply.newBuilder().setKind(ConfigKind.CONFIG_KIND_NGINX).setPolicy(policy).build();
    }

    private static MediaServer setEnabled(String name, boolean enabled) {
        MediaServer server = servers.get(name);
        return fixture.servers(admin).updateServer(UpdateServerRequest.newBuilder().setServerId(server.getId())
                .setServer(server.toBuilder().setEnabled(enabled)).build()).getServer();
    }

    private static MediaServer server(long id) {
        return fixture.servers(admin).getServer(GetServerRequest.newBuilder().setServerId(id).build()).getServer();
    }

    private static void awaitStatus(long id, ServerStatus status) {
        Await.until("server " + id + " becomes " + status, Duration.ofSeconds(20),
                    () -> server(id).getStatus() == status);
    }

    private static ConfigServiceBlockingStub configs() {
        return fixture.configs(admin);
    }

    /** What config-svc renders for the server now (the latest revision of its role). */
    private static String rendered(String name) {
        return configs().renderConfig(RenderConfigRequest.newBuilder().setKind(ConfigKind.CONFIG_KIND_NGINX)
                                                         .setServerId(servers.get(name).getId()).build())
                        .getFiles(0).getContent().toStringUtf8();
    }

    private static String activeNginx(String name) throws Exception {
        return Files.readString(agents.get(name).activeFile("nginx", "nginx.conf"));
    }

    /** Every enabled server's active nginx.conf, exactly (base64 of its bytes). */
    private static Map<String, String> snapshot() throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        for (String name : NAMES) {
            files.put(name, Base64.getEncoder().encodeToString(
                    Files.readAllBytes(agents.get(name).activeFile("nginx", "nginx.conf"))));
        }
        return files;
    }

    private static List<ApplyStep> stepsOf(List<ApplyEvent> events, String name) {
        return events.stream().filter(event -> event.getServerName().equals(name)).map(ApplyEvent::getStep)
                     .collect(Collectors.toList());
    }

    private static long firstSequence(List<ApplyEvent> events, MediaServerRole role) {
        return events.stream().filter(event -> event.getRole() == role).mapToLong(ApplyEvent::getSequence).min()
                     .orElseThrow();
    }

    private static long lastSequence(List<ApplyEvent> events, MediaServerRole role) {
        return events.stream().filter(event -> event.getRole() == role).mapToLong(ApplyEvent::getSequence).max()
                     .orElseThrow();
    }

    private static ServerApplyResult result(ApplySummary summary, String name) {
        return summary.getResultsList().stream().filter(result -> result.getServerName().equals(name)).findFirst()
                      .orElseThrow();
    }

    private static MediaServerRole roleOf(String name) {
        return name.startsWith("origin") ? MEDIA_SERVER_ROLE_ORIGIN
               : name.startsWith("relay") ? MEDIA_SERVER_ROLE_RELAY : MEDIA_SERVER_ROLE_EDGE;
    }
}
