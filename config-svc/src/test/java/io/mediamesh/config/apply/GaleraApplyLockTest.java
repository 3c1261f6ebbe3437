package io.mediamesh.config.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediamesh.api.v1.ApplyOutcome;
import io.mediamesh.api.v1.ApplyPolicy;
import io.mediamesh.api.v1.ApplySummary;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.MediaServerRole;
import io.mediamesh.api.v1.PromotionMode;
import io.mediamesh.common.config.DatabaseSettings;
import io.mediamesh.common.db.Database;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.common.testing.GaleraCluster;
import io.mediamesh.common.testing.GaleraClusterExtension;
import io.mediamesh.common.time.Times;
import io.mediamesh.config.ConfigSvc;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The one-apply-per-kind lock of two config-svc instances whose pools are on different nodes of a
 * three-node Galera cluster, both starting an apply of the same kind at the same instant, round
 * after round. A node's unique index knows only its own rows, so both inserts pass it; the one that
 * reaches the cluster second fails certification and is run again, then meets the winner's row: it
 * gets CONFIG_APPLY_IN_PROGRESS (ABORTED, 409 over REST, as on one server), never a database error.
 *
 * <p>A node retries a single autocommit statement that failed certification once by itself
 * ({@code wsrep_retry_autocommit}, default 1); the nodes here are set to 0, as a cluster may be,
 * so that every conflict reaches the service and its own retry is what keeps the answer right.
 */
class GaleraApplyLockTest {
    private static final int ROUNDS = 60;

    @RegisterExtension
    static final GaleraClusterExtension galera = new GaleraClusterExtension();

    @Test
    void exactlyOneOfTwoSimultaneousAppliesOnDifferentNodesStartsAndTheOtherIsToldOneIsRunning() throws Exception {
        DatabaseSettings settings = galera.cluster().account("mmt_galeraapplylock_c", 0);
        for (int node = 0; node < GaleraCluster.SIZE; node++) {
            try (Connection root = galera.cluster().node(node).root(); Statement statement = root.createStatement()) {
                statement.execute("SET GLOBAL wsrep_retry_autocommit = 0");
            }
        }
        long conflictsBefore = certificationConflicts();
        try (Database first = Database.open(settings, ConfigSvc.MIGRATIONS);
             Database second = Database.open(settings.withUrl(galera.cluster().url(1)), ConfigSvc.MIGRATIONS)) {
            List<ApplyRepository> instances = List.of(new ApplyRepository(first.dsl(), first.conflictRetry()),
                                                      new ApplyRepository(second.dsl(), second.conflictRetry()));
            ExecutorService threads = Executors.newFixedThreadPool(2);
            CyclicBarrier together = new CyclicBarrier(2);
            int[] wins = new int[2];
            for (int round = 0; round < ROUNDS; round++) {
                List<Future<Optional<Long>>> begun = new ArrayList<>();
                for (ApplyRepository instance : instances) {
                    begun.add(threads.submit(() -> {
                        together.await(10, TimeUnit.SECONDS);
                        try {
                            return Optional.of(instance.begin(plan(), Instant.now(), "galera-test",
                                                              Instant.now().plusSeconds(30)));
                        } catch (MediameshException refused) {
                            assertThat(refused.code()).isEqualTo(ErrorCode.CONFIG_APPLY_IN_PROGRESS);
                            return Optional.empty();
                        }
                    }));
                }
                List<Optional<Long>> results = List.of(begun.get(0).get(), begun.get(1).get());
                assertThat(results).as("round %d: one apply starts, the other is refused", round)
                                   .filteredOn(Optional::isPresent).hasSize(1);
                int winner = results.get(0).isPresent() ? 0 : 1;
                wins[winner]++;
                // Ended by the instance that runs it, as the coordinator does: the kind is free again.
                instances.get(winner).finish(results.get(winner).orElseThrow(), ApplySummary.newBuilder()
                        .setOutcome(ApplyOutcome.APPLY_OUTCOME_SUCCEEDED)
                        .setFinishedAt(Times.toProto(Instant.now())).build(), "");
            }
            threads.shutdown();
            long retried = first.conflictRetry().retried() + second.conflictRetry().retried();
            long conflicts = certificationConflicts() - conflictsBefore;
            System.out.println("GaleraApplyLockTest: " + ROUNDS + " rounds, wins " + wins[0] + "/" + wins[1]
                               + ", certification conflicts and aborts on the nodes: " + conflicts
                               + ", inserts retried by the services: " + retried);
            assertThat(first.dsl().fetchCount(first.dsl().selectOne().from("config_applies")))
                    .as("one audit row per round").isEqualTo(ROUNDS);
            assertThat(conflicts).as("simultaneous inserts on two nodes conflicted at least once").isPositive();
            assertThat(retried).as("the services ran the conflicting inserts again").isPositive();
        }
    }

    /** Local certification failures and brute-force aborts, summed over the nodes. */
    private static long certificationConflicts() throws SQLException {
        return galera.cluster().status().values().stream()
                     .mapToLong(status -> Long.parseLong(status.get("wsrep_local_cert_failures"))
                                          + Long.parseLong(status.get("wsrep_local_bf_aborts")))
                     .sum();
    }

    private static ApplyPlan plan() {
        return new ApplyPlan(ConfigKind.CONFIG_KIND_NGINX, List.of(MediaServerRole.MEDIA_SERVER_ROLE_ORIGIN), 0,
                             ApplyPolicy.APPLY_POLICY_ALL_OR_NOTHING, PromotionMode.PROMOTION_MODE_AUTOMATIC,
                             Duration.ofSeconds(5), 1, Duration.ofSeconds(5), "galera-test", "same kind at once",
                             List.of(new ApplyPlan.Stage(MediaServerRole.MEDIA_SERVER_ROLE_ORIGIN, 1, List.of())));
    }
}
