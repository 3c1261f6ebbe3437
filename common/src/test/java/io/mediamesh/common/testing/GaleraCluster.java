package io.mediamesh.common.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.mediamesh.common.config.DatabaseSettings;
import io.mediamesh.common.db.DatabaseAccounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A three-node MariaDB Galera cluster of a test's own: three {@link PrivateMariaDb} servers on spare
 * loopback ports, each with its own data folder under {@code dir}, replicating through Debian's
 * galera-4 provider. The first node bootstraps the cluster, the others join it by state transfer
 * (rsync). A node can be killed with SIGKILL and restarted: it rejoins by incremental (IST) or
 * full (SST) transfer. {@link #close()} kills every node and the transfer helpers they started.
 *
 * <p>Failure detection is tightened (suspect after 2 s, evict after 4 s) so that a killed node
 * leaves the cluster's view in seconds rather than the default 15 s.
 */
public final class GaleraCluster implements AutoCloseable {
    public static final int SIZE = 3;
    private static final String PROVIDER = "/usr/lib/galera/libgalera_smm.so";
    /** A joiner waits for its state transfer before it answers. */
    private static final Duration NODE_START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(90);
    private static final Pattern RECOVERED_POSITION = Pattern.compile("WSREP: Recovered position: (\\S+:-?[0-9]+)");
    /** The services' own pool timeouts, so that tests see what a deployment sees. */
    private static final Config DEFAULTS = ConfigFactory.defaultReference().getConfig("mediamesh.database");

    private final List<PrivateMariaDb> nodes;
    private final Duration startedIn;

    private GaleraCluster(List<PrivateMariaDb> nodes, Duration startedIn) {
        this.nodes = nodes;
        this.startedIn = startedIn;
    }

    /** Installs and starts three nodes under {@code dir} and waits until all three are synced. */
    public static GaleraCluster start(Path dir) throws IOException, InterruptedException, SQLException {
        Instant began = Instant.now();
        int[] gcommPorts = IntStream.range(0, SIZE).map(i -> FreePorts.tcp()).toArray();
        String clusterAddress = IntStream.of(gcommPorts).mapToObj(port -> "127.0.0.1:" + port)
                                         .collect(Collectors.joining(",", "gcomm://", ""));
        List<PrivateMariaDb> nodes = new ArrayList<>(SIZE);
        try {
            for (int i = 0; i < SIZE; i++) {
                String provider = "gmcast.listen_addr=tcp://127.0.0.1:" + gcommPorts[i]
                                  + ";ist.recv_addr=127.0.0.1:" + FreePorts.tcp()
                                  + ";gcache.size=64M"
                                  + ";evs.keepalive_period=PT0.5S;evs.suspect_timeout=PT2S"
                                  + ";evs.inactive_check_period=PT0.5S;evs.inactive_timeout=PT4S"
                                  + ";evs.install_timeout=PT4S";
                int port = FreePorts.tcp();
                nodes.add(PrivateMariaDb.install(dir.resolve("node" + (i + 1)), port, List.of(
                        "--wsrep-on=ON", "--wsrep-provider=" + PROVIDER,
                        "--wsrep-cluster-name=mediamesh-test", "--wsrep-cluster-address=" + clusterAddress,
                        "--wsrep-node-name=node" + (i + 1), "--wsrep-node-address=127.0.0.1",
                        "--wsrep-node-incoming-address=127.0.0.1:" + port,
                        "--wsrep-provider-options=" + provider,
                        "--wsrep-sst-method=rsync", "--wsrep-sst-receive-address=127.0.0.1:" + FreePorts.tcp(),
                        // An rsync donor blocks its own writes while it sends: node 1 (the first of
                        // url(1), where clients go when node 0 dies) is never the preferred donor.
                        "--wsrep-sst-donor=node" + ((i + 2) % SIZE + 1) + ",",
                        // Galera replicates row images of InnoDB tables and needs interleaved auto-increment locks.
                        "--binlog-format=ROW", "--default-storage-engine=InnoDB", "--innodb-autoinc-lock-mode=2"),
                                                          NODE_START_TIMEOUT));
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
                letStateTransfersIn(nodes.get(i));
            }
            nodes.get(0).restart(List.of("--wsrep-new-cluster"));
            for (int i = 1; i < SIZE; i++) {
                // One joiner at a time: the donor serves one transfer at once.
                nodes.get(i).restart();
                awaitSynced(nodes, i + 1);
            }
            return new GaleraCluster(nodes, Duration.between(began, Instant.now()));
        } catch (IOException | InterruptedException | SQLException | RuntimeException e) {
            for (PrivateMariaDb node : nodes) {
                node.close();
            }
            throw e;
        }
    }

    /**
     * A joiner receives its state through an rsync daemon the SST script starts; run by root, that
     * daemon drops to the user nobody, which must reach and own everything in the data folder
     * (including what the server, as root, wrote there since the last transfer).
     */
    private static void letStateTransfersIn(PrivateMariaDb node) throws IOException, InterruptedException {
        if (!PrivateMariaDb.runningAsRoot()) {
            return;
        }
        Files.setPosixFilePermissions(node.dir(), PosixFilePermissions.fromString("rwx--x--x"));
        Path data = node.dir().resolve("data");
        Process chown = new ProcessBuilder("chown", "-R", "nobody", data.toString()).inheritIO().start();
        if (chown.waitFor() != 0) {
            throw new IllegalStateException("chown -R nobody " + data + " failed");
        }
    }

    /** How long {@link #start(Path)} took, from the first install to three synced nodes. */
    public Duration startedIn() {
        return startedIn;
    }

    /** Node {@code index}, 0 to 2. */
    public PrivateMariaDb node(int index) {
        return nodes.get(index);
    }

    /**
     * Root on node {@code index}, its reads waiting until the node has applied every write the cluster
     * committed before them (Galera's causality check): a commit returns once the cluster certified it,
     * while another node may still be applying it. The caller closes it.
     */
    public Connection causalRoot(int index) throws SQLException {
        Connection root = nodes.get(index).root();
        try (Statement statement = root.createStatement()) {
            statement.execute("SET SESSION wsrep_sync_wait = 1");
        } catch (SQLException e) {
            root.close();
            throw e;
        }
        return root;
    }

    /**
     * The multi-host URL a service is given: every node, tried in order from {@code first} on
     * ({@code sequential}), so that its connections all go to one node while that node lives.
     */
    public String url(int first) {
        return IntStream.range(0, SIZE).mapToObj(i -> "127.0.0.1:" + nodes.get((first + i) % SIZE).port())
                        .collect(Collectors.joining(",", "jdbc:mariadb:sequential://", ""));
    }

    /**
     * A service's own account with rights on {@code schema} only (made through the node that
     * answers first and replicated to the others), as ./mediamesh up makes it, with the services' pool timeouts, on
     * the multi-host URL starting at node {@code first}. The schema itself is created by
     * {@code Database.open}.
     */
    public DatabaseSettings account(String schema, int first) throws SQLException {
        String user = "u" + Integer.toHexString(schema.hashCode()) + "_" + ThreadLocalRandom.current().nextInt(1_000_000);
        DatabaseSettings settings = new DatabaseSettings(url(first), user, "pw-" + UUID.randomUUID(), schema, 8,
                                                         DEFAULTS.getDuration("connection-timeout"),
                                                         DEFAULTS.getDuration("query-timeout"));
        // As DatabaseAccountSetup does: the administrator reaches the cluster through the same URL.
        try (Connection root = DriverManager.getConnection(settings.url() + "/?connectTimeout=2000", "root", "")) {
            DatabaseAccounts.ensure(root, settings);
        }
        return settings;
    }

    /** The running nodes' wsrep status values, node index to (variable name to value). */
    public Map<Integer, Map<String, String>> status() throws SQLException {
        Map<Integer, Map<String, String>> status = new HashMap<>();
        for (int i = 0; i < SIZE; i++) {
            if (nodes.get(i).isRunning()) {
                status.put(i, status(nodes.get(i)));
            }
        }
        return status;
    }

    /** SIGKILL on node {@code index}. */
    public void kill(int index) throws InterruptedException {
        nodes.get(index).kill();
    }

    /**
     * Starts node {@code index} again (it rejoins the others) and waits until all three are synced.
     * After a SIGKILL the node does not know how far it got; as the packaged start scripts do, its
     * position is recovered from its storage first ({@code --wsrep-recover}), so that it catches up
     * by incremental transfer (IST) from the others' write-set cache instead of copying all data
     * (SST), during which the donor would block its own writes.
     */
    public void rejoin(int index) throws IOException, InterruptedException, SQLException {
        PrivateMariaDb node = nodes.get(index);
        letStateTransfersIn(node);
        String log = node.runToEnd(List.of("--wsrep-recover"), node.dir().resolve("recover.log"));
        Matcher recovered = RECOVERED_POSITION.matcher(log);
        node.restart(recovered.find() ? List.of("--wsrep-start-position=" + recovered.group(1)) : List.of());
        awaitSynced(nodes, SIZE);
    }

    /** Waits until the first {@code count} nodes see a cluster of {@code count} and are all synced. */
    private static void awaitSynced(List<PrivateMariaDb> nodes, int count) throws SQLException, InterruptedException {
        Instant deadline = Instant.now().plus(SYNC_TIMEOUT);
        Map<String, String> last = Map.of();
        while (Instant.now().isBefore(deadline)) {
            boolean synced = true;
            for (int i = 0; i < count && synced; i++) {
                try {
                    last = status(nodes.get(i));
                } catch (SQLException notAnswering) {
                    last = Map.of("node", Integer.toString(i), "error", notAnswering.getMessage());
                    synced = false;
                    continue;
                }
                synced = Integer.toString(count).equals(last.get("wsrep_cluster_size"))
                         && "Synced".equals(last.get("wsrep_local_state_comment"));
            }
            if (synced) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("Galera nodes did not reach " + count + " synced within " + SYNC_TIMEOUT
                                        + "; last seen " + last);
    }

    private static Map<String, String> status(PrivateMariaDb node) throws SQLException {
        Map<String, String> values = new HashMap<>();
        try (Connection root = node.root(); Statement statement = root.createStatement();
             ResultSet rows = statement.executeQuery("SHOW GLOBAL STATUS LIKE 'wsrep\\_%'")) {
            while (rows.next()) {
                values.put(rows.getString(1).toLowerCase(Locale.ROOT), rows.getString(2));
            }
        }
        return values;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (PrivateMariaDb node : nodes) {
            node.close();
        }
    }
}
