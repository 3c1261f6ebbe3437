package io.mediamesh.config.apply;

import static io.mediamesh.api.v1.MediaServerRole.MEDIA_SERVER_ROLE_EDGE;
import static io.mediamesh.api.v1.MediaServerRole.MEDIA_SERVER_ROLE_ORIGIN;
import static io.mediamesh.common.testing.GrpcAssertions.assertFails;
import static io.mediamesh.config.db.Tables.CONFIG_APPLIES;
import static org.assertj.core.api.Assertions.assertThat;

import io.mediamesh.api.v1.ApplyConfigResponse;
import io.mediamesh.api.v1.ApplyOutcome;
import io.mediamesh.api.v1.ApplyPolicy;
import io.mediamesh.api.v1.ApplyRecord;
import io.mediamesh.api.v1.ApplyServiceGrpc.ApplyServiceBlockingStub;
import io.mediamesh.api.v1.ApplyStep;
import io.mediamesh.api.v1.ApplySummary;
import io.mediamesh.api.v1.CancelApply;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.ControlApplyRequest;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.GetApplyRequest;
import io.mediamesh.api.v1.GetApplyResponse;
import io.mediamesh.api.v1.ListAppliesRequest;
import io.mediamesh.api.v1.PromoteApply;
import io.mediamesh.api.v1.PromotionMode;
import io.mediamesh.api.v1.StartApply;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.config.DatabaseSettings;
import io.mediamesh.common.testing.Await;
import io.mediamesh.common.testing.FreePorts;
import io.mediamesh.common.testing.ServiceProcess;
import io.mediamesh.common.testing.TestMeshCa;
import io.mediamesh.common.time.Times;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.config.Main;
import io.mediamesh.config.testing.AgentProcess;
import io.mediamesh.config.testing.ApplyAgents;
import io.mediamesh.config.testing.ApplyStream;
import io.mediamesh.config.testing.ConfigSvcFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Several config-svc replicas on one schema, applying to two real agents (an origin and an edge):
 * replica "a" is the fixture's, "b" another in this JVM, and "crashing" a process of its own that
 * is killed mid-apply. Applies are MANUAL so that one stays running, awaiting promotion after its
 * origin stage, for as long as a test needs. Leases are short (4 s, renewed every 300 ms), yet
 * long enough for a busy machine.
 */
class ConfigSvcReplicasTest {
    private static final String LEASE = "4s";
    private static final String RENEW = "300ms";

    @RegisterExtension
    @Order(1)
    static final ConfigSvcFixture fixture = new ConfigSvcFixture()
            .with("mediamesh.config-svc.apply.instance-id", "a")
            .with("mediamesh.config-svc.apply.lease", LEASE)
            .with("mediamesh.config-svc.apply.lease-renew-interval", RENEW);

    @RegisterExtension
    @Order(2)
    static final ApplyAgents agents = new ApplyAgents(fixture, List.of("origin-1", "edge-1"), Map.of());

    @Test
    void aReplicaStartingWhileAnotherRunsAnApplyLeavesItRunningAndCanFollowAndPromoteIt() throws Exception {
        int change = agents.newNginxRevision();
        ApplyStream stream = ApplyStream.start(fixture.port(), agents.admin(), manualNginx());
        long applyId = stream.await(ApplyConfigResponse::hasStarted).getStarted().getApplyId();
        stream.await(ApplyConfigResponse::hasAwaitingPromotion);

        try (ConfigSvcFixture.Replica b = fixture.startReplica(Map.of("mediamesh.config-svc.apply.instance-id", "b"))) {
            // b ran Main's start-up (ending interrupted applies); give its lease timer more than a
            // whole lease to wrongly end the apply: a's renewals carry the lease past that.
            Instant leaseAtStart = leaseExpiresAt(applyId);
            Await.until("a's renewals to carry the lease a whole lease past b's start", Duration.ofSeconds(20),
                        () -> leaseExpiresAt(applyId).isAfter(leaseAtStart.plus(Duration.parse("PT" + LEASE))));
            GetApplyResponse followed = applyOn(b.port(), applyId);
            assertThat(followed.getApply().hasSummary()).as("still running, read through b").isFalse();
            assertThat(followed.getApply().getCancelReason()).isEmpty();
            assertThat(owner(applyId)).isEqualTo("a");
            // What a reloaded console reads from any replica: the origin stage's events, from the record.
            assertThat(followed.getEventsList()).extracting(event -> event.getStep())
                    .contains(ApplyStep.APPLY_STEP_ACTIVATED);
            assertThat(followed.getEventsList()).isEqualTo(stream.events());

            // A promote sent to b reaches the apply a runs (through the record, at a's next renewal).
            replicaApplies(b.port()).controlApply(ControlApplyRequest.newBuilder().setApplyId(applyId)
                    .setPromote(PromoteApply.getDefaultInstance()).build());
            ApplySummary summary = stream.summary();
            assertThat(summary.getOutcome()).isEqualTo(ApplyOutcome.APPLY_OUTCOME_SUCCEEDED);
            assertThat(summary.getActivated()).isEqualTo(2);
            for (AgentProcess agent : agents.all()) {
                assertThat(Files.readString(agent.activeFile("nginx", "nginx.conf"))).contains("# change " + change);
            }
            GetApplyResponse done = applyOn(b.port(), applyId);
            assertThat(done.getApply().getSummary()).isEqualTo(summary);
            assertThat(done.getEventsList()).isEqualTo(stream.events());
        }
    }

    @Test
    void aReplicaKilledMidApplyIsEndedByAnotherOnceItsLeaseExpiredAndTheKindIsFreeAgain() throws Exception {
        agents.newNginxRevision();
        long applyId;
        Instant killedAt;
        int crashingPort = FreePorts.tcp();
        try (ServiceProcess crashing = startConfigSvcProcess("crashing", crashingPort)) {
            Await.until("the crashing replica to serve", Duration.ofSeconds(90), () -> serves(crashingPort),
                        () -> output(crashing));
            ApplyStream stream = ApplyStream.start(crashingPort, agents.admin(), manualNginx());
            applyId = stream.await(ApplyConfigResponse::hasStarted).getStarted().getApplyId();
            stream.await(ApplyConfigResponse::hasAwaitingPromotion);
            assertThat(owner(applyId)).isEqualTo("crashing");
            crashing.kill();
            killedAt = Instant.now();
        }
        // Until its lease runs out the apply still counts as running: the kind stays taken.
        Instant leaseEnd = leaseExpiresAt(applyId);
        if (Instant.now().isBefore(leaseEnd.minusSeconds(1))) {
            assertFails(ErrorCode.CONFIG_APPLY_IN_PROGRESS,
                        ApplyStream.start(fixture.port(), agents.admin(), manualNginx())::awaitEnd);
        }

        Await.until("replica a to end the dead replica's apply", Duration.ofSeconds(20),
                    () -> applyOn(fixture.port(), applyId).getApply().hasFinishedAt());
        ApplyRecord ended = applyOn(fixture.port(), applyId).getApply();
        assertThat(ended.getCancelReason()).contains("crashing").contains("lease expired");
        assertThat(fixture.applies(agents.admin()).listApplies(ListAppliesRequest.newBuilder()
                .setOutcome(ApplyOutcome.APPLY_OUTCOME_FAILED).build()).getAppliesList())
                .extracting(ApplyRecord::getApplyId).contains(applyId);
        assertThat(Times.fromProto(ended.getFinishedAt())).as("ended only after the lease expired")
                                                           .isAfterOrEqualTo(leaseEnd).isAfter(killedAt);

        // The kind is free: a new apply starts and finishes what the dead one left half done.
        ApplyStream again = ApplyStream.start(fixture.port(), agents.admin(), manualNginx());
        again.await(ApplyConfigResponse::hasAwaitingPromotion);
        again.promote();
        ApplySummary summary = again.summary();
        assertThat(summary.getOutcome()).isEqualTo(ApplyOutcome.APPLY_OUTCOME_SUCCEEDED);
        assertThat(summary.getActivated() + summary.getAlreadyActive()).isEqualTo(2);
    }

    @Test
    void twoSimultaneousAppliesOnTwoReplicasStartExactlyOneEachRoundAndTheOtherCanCancelIt() throws Exception {
        try (ConfigSvcFixture.Replica b = fixture.startReplica(Map.of("mediamesh.config-svc.apply.instance-id", "b"))) {
            List<Integer> ports = List.of(fixture.port(), b.port());
            ExecutorService starters = Executors.newFixedThreadPool(2);
            int[] wins = new int[2];
            for (int round = 0; round < 5; round++) {
                agents.newNginxRevision();
                CyclicBarrier together = new CyclicBarrier(2);
                List<ApplyStream> streams = new ArrayList<>();
                List<Future<?>> sent = new ArrayList<>();
                for (int port : ports) {
                    ApplyStream stream = ApplyStream.open(port, agents.admin());
                    streams.add(stream);
                    sent.add(starters.submit(() -> {
                        together.await(10, TimeUnit.SECONDS);
                        stream.send(manualNginx());
                        return null;
                    }));
                }
                for (Future<?> start : sent) {
                    start.get(20, TimeUnit.SECONDS);
                }
                // Exactly one call is refused before it started; the other runs.
                List<Integer> refused = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    ApplyStream stream = streams.get(i);
                    Optional<ApplyConfigResponse> first = stream.firstOrEnd();
                    if (first.isEmpty()) {
                        assertFails(ErrorCode.CONFIG_APPLY_IN_PROGRESS, stream::awaitEnd);
                        refused.add(i);
                    } else {
                        assertThat(first.get().hasStarted()).isTrue();
                    }
                }
                assertThat(refused).as("round %d: one of the two applies is refused", round).hasSize(1);
                int winner = 1 - refused.get(0);
                wins[winner]++;
                ApplyStream running = streams.get(winner);
                long applyId = running.received().get(0).getStarted().getApplyId();
                running.await(ApplyConfigResponse::hasAwaitingPromotion);
                // Cancelled through the replica that lost: it reaches the winner through the record.
                String reason = "round " + round + " is over";
                replicaApplies(ports.get(1 - winner)).controlApply(ControlApplyRequest.newBuilder()
                        .setApplyId(applyId).setCancel(CancelApply.newBuilder().setReason(reason)).build());
                assertThat(running.summary().getOutcome()).isEqualTo(ApplyOutcome.APPLY_OUTCOME_CANCELLED);
                assertThat(applyOn(ports.get(1 - winner), applyId).getApply().getCancelReason()).isEqualTo(reason);
            }
            starters.shutdown();
            System.out.println("ConfigSvcReplicasTest: wins a/b " + wins[0] + "/" + wins[1]);
        }
    }

    private static StartApply manualNginx() {
        return StartApply.newBuilder().setKind(ConfigKind.CONFIG_KIND_NGINX)
                         .addRoles(MEDIA_SERVER_ROLE_ORIGIN).addRoles(MEDIA_SERVER_ROLE_EDGE)
                         .setPolicy(ApplyPolicy.APPLY_POLICY_ALL_OR_NOTHING)
                         .setPromotion(PromotionMode.PROMOTION_MODE_MANUAL).build();
    }

    private static GetApplyResponse applyOn(int port, long applyId) {
        return replicaApplies(port).getApply(GetApplyRequest.newBuilder().setApplyId(applyId).build());
    }

    /** ApplyService of the replica on {@code port}, as the admin calls it. */
    private static ApplyServiceBlockingStub replicaApplies(int port) {
        return TestMeshCa.grpc(port).setHeader(Callers.SESSION_HEADER, agents.admin())
                         .build(ApplyServiceBlockingStub.class);
    }

    private static boolean serves(int port) {
        try {
            replicaApplies(port).listApplies(ListAppliesRequest.getDefaultInstance());
            return true;
        } catch (RuntimeException notYet) {
            return false;
        }
    }

    /** A config-svc replica in a JVM of its own, on the fixture's schema and user-svc, with the test's lease. */
    private static ServiceProcess startConfigSvcProcess(String instanceId, int port) throws IOException {
        DatabaseSettings database = fixture.configDatabaseSettings();
        return ServiceProcess.start("config-svc-process-" + instanceId, Identity.CONFIG_SVC, Main.class,
                                    Map.of("MEDIAMESH_DB_URL", database.url(),
                                           "MEDIAMESH_CONFIG_SVC_DB_USER", database.user(),
                                           "MEDIAMESH_CONFIG_SVC_DB_PASSWORD", database.password(),
                                           "MEDIAMESH_CONFIG_SVC_DB_SCHEMA", database.schema(),
                                           "MEDIAMESH_CONFIG_SVC_PORT", Integer.toString(port),
                                           "MEDIAMESH_USER_SVC_ENDPOINT", "127.0.0.1:" + fixture.userSvcPort(),
                                           "MEDIAMESH_CONFIG_SVC_INSTANCE_ID", instanceId),
                                    Map.of("mediamesh.config-svc.health-check.interval", "1h",
                                           "mediamesh.config-svc.apply.lease", LEASE,
                                           "mediamesh.config-svc.apply.lease-renew-interval", RENEW));
    }

    private static String output(ServiceProcess process) {
        try {
            return process.output();
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static Instant leaseExpiresAt(long applyId) {
        return Times.fromDb(fixture.database().dsl().select(CONFIG_APPLIES.LEASE_EXPIRES_AT).from(CONFIG_APPLIES)
                                   .where(CONFIG_APPLIES.ID.eq(applyId)).fetchOne(CONFIG_APPLIES.LEASE_EXPIRES_AT));
    }

    private static String owner(long applyId) {
        return fixture.database().dsl().select(CONFIG_APPLIES.OWNER).from(CONFIG_APPLIES)
                      .where(CONFIG_APPLIES.ID.eq(applyId)).fetchOne(CONFIG_APPLIES.OWNER);
    }
}
