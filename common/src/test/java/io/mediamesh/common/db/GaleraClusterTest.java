package io.mediamesh.common.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mediamesh.common.config.DatabaseSettings;
import io.mediamesh.common.testing.GaleraCluster;
import io.mediamesh.common.testing.GaleraClusterExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The database layer on a real three-node Galera cluster: a service's own account and schema made
 * through the multi-host URL, Flyway's migrations, conflicting transactions on two nodes (Galera's
 * certification failures) run again by {@link ConflictRetry} without losing an update, and a pool
 * that moves to the next node when its node is killed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GaleraClusterTest {
    private static final String MIGRATIONS = "db/migration/galeratest";

    @RegisterExtension
    static final GaleraClusterExtension galera = new GaleraClusterExtension();

    private static GaleraCluster cluster;

    @BeforeAll
    static void cluster() {
        cluster = galera.cluster();
    }

    @Test
    void theClusterIsThreeSyncedNodesThatReplicateEachOthersWrites() throws Exception {
        assertThat(cluster.status()).hasSize(3).allSatisfy((node, status) -> {
            assertThat(status).containsEntry("wsrep_cluster_size", "3")
                              .containsEntry("wsrep_local_state_comment", "Synced")
                              .containsEntry("wsrep_ready", "ON");
        });
        try (Connection first = cluster.node(0).root(); Statement statement = first.createStatement()) {
            statement.execute("CREATE DATABASE replicated");
            statement.execute("CREATE TABLE replicated.t (id INT PRIMARY KEY)");
            statement.execute("INSERT INTO replicated.t VALUES (7)");
        }
        try (Connection third = cluster.causalRoot(2); Statement statement = third.createStatement();
             ResultSet rows = statement.executeQuery("SELECT id FROM replicated.t")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getInt(1)).isEqualTo(7);
        }
    }

    @Test
    void conflictingTransactionsOnTwoNodesAreRetriedAndNoUpdateIsLost() throws Exception {
        DatabaseSettings settings = serviceSettings("conflicts");
        try (Database viaFirst = open(settings); Database viaSecond = open(settings.withUrl(cluster.url(1)))) {
            int perNode = 40;
            int threadsPerNode = 1;
            // One row written from two nodes without pause is the worst case: the loser of a round may
            // lose the next few too, so this hammer gets more attempts than a service's default five.
            ConflictRetry retry = new ConflictRetry(20, Duration.ofMillis(5));
            ExecutorService threads = Executors.newFixedThreadPool(2 * threadsPerNode);
            List<Future<?>> done = new ArrayList<>();
            for (Database database : List.of(viaFirst, viaSecond)) {
                for (int t = 0; t < threadsPerNode; t++) {
                    done.add(threads.submit(() -> {
                        for (int i = 0; i < perNode / threadsPerNode; i++) {
                            retry.run(() -> database.dsl().transactionResult(tx -> {
                                DSLContext db = tx.dsl();
                                long value = db.fetchOne("SELECT value FROM counters WHERE id = 1 FOR UPDATE")
                                               .get(0, Long.class);
                                return db.execute("UPDATE counters SET value = ? WHERE id = 1", value + 1);
                            }));
                        }
                        return null;
                    }));
                }
            }
            for (Future<?> future : done) {
                future.get();
            }
            threads.shutdown();
            long retried = retry.retried();
            System.out.println("Galera conflict test: " + 2 * perNode + " increments, " + retried + " retried");
            assertThat(counter(viaFirst))
                    .as("every increment counted once, none lost to a conflict").isEqualTo(2L * perNode);
            assertThat(retried).as("certification conflicts between the two nodes").isPositive();
        }
    }

    @Test
    void aConflictIsThrownOnceTheAttemptsAreUsedUpAndOtherFailuresAreNotRetried() {
        ConflictRetry once = new ConflictRetry(2, Duration.ZERO);
        SQLException deadlock = new SQLException("Deadlock found when trying to get lock", "40001", 1213);
        assertThatThrownBy(() -> once.run(() -> {
            throw new IllegalStateException("wrapped", deadlock);
        })).hasCause(deadlock);
        assertThat(once.retried()).isEqualTo(1);
        SQLException duplicate = new SQLException("Duplicate entry", "23000", 1062);
        assertThatThrownBy(() -> once.run(() -> {
            throw new IllegalStateException("wrapped", duplicate);
        })).hasCause(duplicate);
        assertThat(once.retried()).as("a duplicate key is an answer, not a conflict").isEqualTo(1);
        assertThatThrownBy(() -> new ConflictRetry(0, Duration.ZERO)).hasMessageContaining("at least 1");
    }

    /**
     * Last: the driver keeps a killed node on its deny list (a minute, for the whole JVM), so pools
     * opened afterwards would start on the next node.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void aPoolOnTheMultiHostUrlMovesToTheNextNodeWhenItsNodeIsKilled() throws Exception {
        DatabaseSettings settings = serviceSettings("failover");
        try (Database database = open(settings)) {
            // Every pooled connection in use once, so that each is on the first node.
            for (int i = 0; i < 20; i++) {
                assertThat(node(database)).isEqualTo(cluster.node(0).port());
            }
            cluster.kill(0);
            long killed = System.nanoTime();
            List<String> failures = new ArrayList<>();
            int port = -1;
            while (port < 0 && System.nanoTime() - killed < Duration.ofSeconds(20).toNanos()) {
                try {
                    port = node(database);
                } catch (RuntimeException inFlight) {
                    failures.add(String.valueOf(inFlight.getCause()));
                }
            }
            System.out.println("Galera failover: a pooled query answered by the next node "
                               + (System.nanoTime() - killed) / 1_000_000 + " ms after the kill, after "
                               + failures.size() + " failed: " + failures);
            assertThat(port).isEqualTo(cluster.node(1).port());
            assertThat(failures).as("the one query on a connection to the killed node").hasSizeLessThanOrEqualTo(1);
            for (int i = 0; i < 20; i++) {
                assertThat(node(database)).as("the other pooled connections were retired with it")
                                          .isEqualTo(cluster.node(1).port());
            }
            // Writes wait until the others have evicted the killed node (evs.suspect_timeout); one that
            // waits past the query timeout fails, and its connection moves on.
            long before = counter(database);
            int writeFailures = 0;
            while (true) {
                try {
                    database.dsl().execute("UPDATE counters SET value = value + 1 WHERE id = 1");
                    break;
                } catch (RuntimeException waitedForTheEviction) {
                    writeFailures++;
                    if (System.nanoTime() - killed > Duration.ofSeconds(15).toNanos()) {
                        throw new AssertionError("writes did not resume; cluster " + cluster.status(),
                                                 waitedForTheEviction);
                    }
                }
            }
            System.out.println("Galera failover: the first write committed " + (System.nanoTime() - killed) / 1_000_000
                               + " ms after the kill, after " + writeFailures + " failed");
            cluster.rejoin(0);
            assertThat(cluster.status().values()).allSatisfy(status -> assertThat(status)
                    .containsEntry("wsrep_cluster_size", "3").containsEntry("wsrep_local_state_comment", "Synced"));
            try (Connection rejoined = cluster.causalRoot(0); Statement statement = rejoined.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT value FROM `" + settings.schema()
                                                         + "`.counters WHERE id = 1")) {
                assertThat(rows.next()).isTrue();
                // A write that failed while it waited for the eviction may still have committed after it:
                // its outcome is unknown to the caller, the acknowledged one is certain.
                assertThat(rows.getLong(1)).as("the writes made while it was down")
                                           .isBetween(before + 1, before + 1 + writeFailures);
            }
        }
    }

    private static long counter(Database database) {
        return database.dsl().fetchOne("SELECT value FROM counters WHERE id = 1").get(0, Long.class);
    }

    /** The port of the node that answers the pool. */
    private static int node(Database database) {
        return database.dsl().fetchValue(DSL.field("@@port", Integer.class));
    }

    /** A service's own account and schema on the URL starting at the first node. */
    private static DatabaseSettings serviceSettings(String name) throws SQLException {
        return cluster.account("galera_" + name, 0);
    }

    private static Database open(DatabaseSettings settings) {
        return Database.open(settings, MIGRATIONS);
    }
}
