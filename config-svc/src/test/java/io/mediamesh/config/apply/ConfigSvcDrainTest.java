package io.mediamesh.config.apply;

import static io.mediamesh.api.v1.MediaServerRole.MEDIA_SERVER_ROLE_EDGE;
import static io.mediamesh.api.v1.MediaServerRole.MEDIA_SERVER_ROLE_ORIGIN;
import static io.mediamesh.common.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.mediamesh.api.v1.ApplyConfigResponse;
import io.mediamesh.api.v1.ApplyEvent;
import io.mediamesh.api.v1.ApplyOutcome;
import io.mediamesh.api.v1.ApplyPolicy;
import io.mediamesh.api.v1.ApplyStep;
import io.mediamesh.api.v1.ApplySummary;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.PromotionMode;
import io.mediamesh.api.v1.StartApply;
import io.mediamesh.common.error.ErrorCatalog;
import io.mediamesh.common.testing.Await;
import io.mediamesh.config.testing.AgentProcess;
import io.mediamesh.config.testing.ApplyAgents;
import io.mediamesh.config.testing.ApplyStream;
import io.mediamesh.config.testing.ConfigSvcFixture;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A config-svc replica stopped gracefully (as SIGTERM in a rolling update stops it) with an apply
 * running: it refuses new applies with UNAVAILABLE, lets the running one finish within
 * apply.drain-timeout, and cancels (rolls back) one that does not, or one that waits for a promotion.
 * The agents' nginx reload takes {@value #RELOAD_SECONDS} s, so that an apply stays at work a while.
 */
class ConfigSvcDrainTest {
    private static final int RELOAD_SECONDS = 3;

    @RegisterExtension
    @Order(1)
    static final ConfigSvcFixture fixture = new ConfigSvcFixture();

    @RegisterExtension
    @Order(2)
    static final ApplyAgents agents = new ApplyAgents(fixture, List.of("origin-1", "edge-1"),
                                                      Map.of("config-agent.reload.nginx", "sleep " + RELOAD_SECONDS));

    @Test
    void aStoppingReplicaRefusesNewAppliesAndLetsTheRunningOneSucceedWithinTheDrainTimeout() throws Exception {
        int change = agents.newNginxRevision();
        try (ConfigSvcFixture.Replica replica = replica("draining-1", "30s")) {
            ApplyStream stream = ApplyStream.start(replica.port(), agents.admin(),
                                                   nginx(PromotionMode.PROMOTION_MODE_AUTOMATIC));
            stream.await(ApplyConfigResponse::hasStarted);
            CompletableFuture<Void> stopped = replica.server().stop();

            // Before the drain began the kind was taken; from then on the replica takes no apply at all.
            Await.until("the stopping replica to refuse a new apply as unavailable", () -> {
                Throwable refused = catchThrowable(ApplyStream.start(
                        replica.port(), agents.admin(), nginx(PromotionMode.PROMOTION_MODE_AUTOMATIC))::awaitEnd);
                ErrorCode reason = ErrorCatalog.reasonOf(refused).orElse(ErrorCode.ERROR_CODE_UNSPECIFIED);
                assertThat(reason).as("%s", refused)
                                  .isIn(ErrorCode.CONFIG_APPLY_IN_PROGRESS, ErrorCode.SERVICE_UNAVAILABLE);
                return reason == ErrorCode.SERVICE_UNAVAILABLE;
            });
            assertThat(stopped).as("the stop waits for the apply").isNotDone();
            assertFails(ErrorCode.SERVICE_UNAVAILABLE, ApplyStream.start(
                    replica.port(), agents.admin(), nginx(PromotionMode.PROMOTION_MODE_AUTOMATIC))::awaitEnd);

            ApplySummary summary = stream.summary();
            assertThat(summary.getOutcome()).isEqualTo(ApplyOutcome.APPLY_OUTCOME_SUCCEEDED);
            assertThat(summary.getActivated()).isEqualTo(2);
            for (AgentProcess agent : agents.all()) {
                assertThat(Files.readString(agent.activeFile("nginx", "nginx.conf"))).contains("# change " + change);
            }
            stopped.get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void anApplyThatDoesNotEndWithinTheDrainTimeoutIsCancelledAndRolledBackWithItsReason() throws Exception {
        int change = agents.newNginxRevision();
        try (ConfigSvcFixture.Replica replica = replica("draining-2", "1s")) {
            ApplyStream stream = ApplyStream.start(replica.port(), agents.admin(),
                                                   nginx(PromotionMode.PROMOTION_MODE_AUTOMATIC));
            // The origin's files are checked: its activation (a reload of RELOAD_SECONDS) is next.
            stream.await(message -> message.hasEvent()
                                    && message.getEvent().getStep() == ApplyStep.APPLY_STEP_VALIDATED);
            CompletableFuture<Void> stopped = replica.server().stop();

            ApplySummary summary = stream.summary();
            assertThat(summary.getOutcome()).isEqualTo(ApplyOutcome.APPLY_OUTCOME_CANCELLED);
            assertThat(summary.getMessage()).contains("replica draining-2 stopped")
                                            .contains("apply.drain-timeout (1 s)");
            assertThat(stream.events()).extracting(ApplyEvent::getStep).doesNotContain(ApplyStep.APPLY_STEP_FAILED);
            for (AgentProcess agent : agents.all()) {
                assertThat(Files.readString(agent.activeFile("nginx", "nginx.conf")))
                        .as("%s back on its previous files", agent.serverName()).doesNotContain("# change " + change);
            }
            stopped.get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void anApplyAwaitingPromotionDoesNotHoldTheStopForTheDrainTimeout() throws Exception {
        agents.newNginxRevision();
        try (ConfigSvcFixture.Replica replica = replica("draining-3", "5m")) {
            ApplyStream stream = ApplyStream.start(replica.port(), agents.admin(),
                                                   nginx(PromotionMode.PROMOTION_MODE_MANUAL));
            stream.await(ApplyConfigResponse::hasAwaitingPromotion);
            CompletableFuture<Void> stopped = replica.server().stop();

            ApplySummary summary = stream.summary();
            assertThat(summary.getOutcome()).isEqualTo(ApplyOutcome.APPLY_OUTCOME_CANCELLED);
            assertThat(summary.getMessage()).contains("while the apply awaited promotion");
            assertThat(summary.getRolledBack()).isEqualTo(1);
            // Done in the rollback's time, far from the drain timeout of 5 minutes.
            stopped.get(60, TimeUnit.SECONDS);
        }
    }

    /** A replica of its own with {@code drainTimeout}; the caller closes it. */
    private static ConfigSvcFixture.Replica replica(String instanceId, String drainTimeout) throws Exception {
        return fixture.startReplica(Map.of("mediamesh.config-svc.apply.instance-id", instanceId,
                                           "mediamesh.config-svc.apply.drain-timeout", drainTimeout));
    }

    private static StartApply nginx(PromotionMode promotion) {
        return StartApply.newBuilder().setKind(ConfigKind.CONFIG_KIND_NGINX)
                         .addRoles(MEDIA_SERVER_ROLE_ORIGIN).addRoles(MEDIA_SERVER_ROLE_EDGE)
                         .setPolicy(ApplyPolicy.APPLY_POLICY_ALL_OR_NOTHING).setPromotion(promotion).build();
    }
}
