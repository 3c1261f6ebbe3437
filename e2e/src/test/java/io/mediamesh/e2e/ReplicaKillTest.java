package io.mediamesh.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mediamesh.common.testing.GaleraCluster;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Two replicas of every service and two gateways, started by {@code ./mediamesh up --replicas}: a
 * steady load of reads and writes through both gateways (the test balances over them as an HTTP load
 * balancer would: a request that could not connect goes to the other gateway, and so does a read
 * that failed) while one replica of each service in turn is killed with SIGKILL and started again by
 * the launcher, and then the node of a three-node Galera cluster that every service uses is killed and
 * rejoins. No read fails, writes refused around a kill are refused as unavailable, every acknowledged
 * write is there afterwards (on every node), and every scheduled file deletion runs as one task that
 * succeeds.
 */
final class ReplicaKillTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration UP = Duration.ofMinutes(15);
    private static final List<String> SERVICES = List.of("user-svc", "media-svc", "config-svc", "scheduler-svc",
                                                         "gateway");
    private static final String ALL_TWICE = "user-svc=2,media-svc=2,config-svc=2,scheduler-svc=2,gateway=2";
    /** The launcher's own step between a service's replicas' ports. */
    private static final int REPLICA_PORT_STEP = 100;
    private static final int WORKERS = 4;
    private static final int READ_ATTEMPTS = 3;
    /** Past this many, a worker deletes one video per video it creates: its user stays under the quota (500). */
    private static final int OWN_VIDEOS_KEPT = 100;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                                              .connectTimeout(Duration.ofSeconds(2)).build();
    private final Queue<Long> acknowledged = new ConcurrentLinkedQueue<>();
    private final Set<Long> deleted = ConcurrentHashMap.newKeySet();
    /** Videos whose deletion failed on its way back (a 5xx, a lost connection): it may have happened. */
    private final Set<Long> perhapsDeleted = ConcurrentHashMap.newKeySet();
    private final Queue<String> failedReads = new ConcurrentLinkedQueue<>();
    private final Queue<String> failedWrites = new ConcurrentLinkedQueue<>();
    private final AtomicInteger reads = new AtomicInteger();
    private final AtomicBoolean stop = new AtomicBoolean();
    private List<URI> gateways;
    private GaleraCluster galera;
    /** When the database node was killed; writes sent after it count in {@link #writesSinceDatabaseKill}. */
    private volatile Instant databaseKilledAt = Instant.MAX;
    private final AtomicInteger writesSinceDatabaseKill = new AtomicInteger();

    @Test
    void killingOneReplicaOfEachServiceThenADatabaseNodeLosesNoReadAndNoAcknowledgedWrite() throws Exception {
        MeshCopy mesh = MeshCopy.shared();
        // The cluster starts while the copy builds: both take minutes.
        CompletableFuture<GaleraCluster> starting = CompletableFuture.supplyAsync(() -> {
            try {
                return GaleraCluster.start(Files.createDirectories(Path.of("target", "galera").toAbsolutePath()));
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        try {
            mesh.build(UP);
        } catch (Exception | Error e) {
            starting.join().close();
            throw e;
        }
        try (GaleraCluster cluster = starting.join()) {
            galera = cluster;
            System.out.printf("ReplicaKillTest: a three-node Galera cluster started in %d ms%n",
                              galera.startedIn().toMillis());
            // Every service reaches the cluster through node 0 while it lives (sequential failover).
            mesh.useExternalDatabase(galera.url(0), "root", "");
            underLoad(mesh);
        }
    }

    private void underLoad(MeshCopy mesh) throws Exception {
        try (MeshCopy.Run up = mesh.up(UP, "--replicas", ALL_TWICE)) {
            int port = Integer.parseInt(mesh.environment("MEDIAMESH_GATEWAY_PORT"));
            gateways = List.of(URI.create("http://127.0.0.1:" + port),
                               URI.create("http://127.0.0.1:" + (port + REPLICA_PORT_STEP)));
            String admin = login("admin", mesh.environment("MEDIAMESH_ADMIN_PASSWORD"));
            List<Future<?>> workers = startLoad(admin);
            try {
                Thread.sleep(3_000);
                int kills = 0;
                for (String service : SERVICES) {
                    ProcessHandle replica = aReplicaOf(up.process(), service);
                    replica.destroyForcibly();
                    kills++;
                    awaitRestarted(up, kills, service);
                    // Load on the restarted replica too, before the next one is killed.
                    Thread.sleep(3_000);
                }
                killAndRejoinDatabaseNode();
            } finally {
                stop.set(true);
                for (Future<?> worker : workers) {
                    worker.get(1, TimeUnit.MINUTES);
                }
            }

            System.out.printf("ReplicaKillTest: %d reads, %d writes acknowledged, %d refused around the kills, "
                              + "%d videos deleted%n", reads.get(), acknowledged.size(), failedWrites.size(),
                              deleted.size());
            assertThat(reads.get()).as("reads made").isGreaterThan(100);
            assertThat(failedReads).as("reads that failed through both gateways").isEmpty();
            assertThat(failedWrites).as("writes refused around a kill: unavailable, never an error of the data")
                                    .allMatch(failure -> failure.startsWith("503") || failure.startsWith("lost"));
            List<Long> kept = acknowledged.stream()
                                          .filter(id -> !deleted.contains(id) && !perhapsDeleted.contains(id))
                                          .toList();
            assertThat(kept).as("acknowledged videos").hasSizeGreaterThan(20);
            for (long id : kept) {
                assertThat(read("/api/videos/" + id, null)).as("acknowledged video %s", id).isEqualTo(200);
            }
            assertThat(deleted).as("videos deleted").isNotEmpty();
            awaitDeletionTasks(admin);
            // Time passes on purpose: every user-svc replica's cache (2 s) forgets the deleted videos.
            Thread.sleep(3_000);
            for (long id : deleted) {
                assertThat(read("/api/videos/" + id, null)).as("deleted video %s", id).isEqualTo(404);
            }
            assertThat(videosOnEachNode()).as("videos on each Galera node, the rejoined one too")
                                          .allMatch(ids -> ids.containsAll(kept));
            assertThat(up.stop()).as("up's exit status after SIGTERM").isZero();
        }
    }

    /**
     * SIGKILL on the node every service uses, under the load: writes go on through the next node
     * once the services' pools notice, and the killed node rejoins the cluster.
     */
    private void killAndRejoinDatabaseNode() throws Exception {
        Instant killed = Instant.now();
        databaseKilledAt = killed;
        galera.kill(0);
        Instant deadline = killed.plus(Duration.ofMinutes(1));
        while (writesSinceDatabaseKill.get() < WORKERS) {
            assertThat(Instant.now()).as("writes acknowledged again after the database node's kill").isBefore(deadline);
            Thread.sleep(100);
        }
        System.out.printf("ReplicaKillTest: writes resumed %d ms after a Galera node was killed%n",
                          Duration.between(killed, Instant.now()).toMillis());
        Thread.sleep(3_000);
        Instant rejoining = Instant.now();
        galera.rejoin(0);
        System.out.printf("ReplicaKillTest: the killed Galera node rejoined and all three were synced in %d ms%n",
                          Duration.between(rejoining, Instant.now()).toMillis());
        Thread.sleep(3_000);
    }

    /** The ids of the videos each Galera node holds, read once the node has applied every committed write. */
    private List<Set<Long>> videosOnEachNode() throws SQLException {
        List<Set<Long>> nodes = new ArrayList<>();
        for (int i = 0; i < GaleraCluster.SIZE; i++) {
            Set<Long> ids = new HashSet<>();
            try (Connection root = galera.causalRoot(i); Statement statement = root.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT id FROM mediamesh_user.videos")) {
                while (rows.next()) {
                    ids.add(rows.getLong(1));
                }
            }
            nodes.add(ids);
        }
        return nodes;
    }

    /** Each worker registers a user, then creates videos, reads them and the other services' lists, and deletes some. */
    private List<Future<?>> startLoad(String admin) {
        ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            String name = "replica" + w + '_' + ThreadLocalRandom.current().nextInt(1_000_000);
            workers.add(pool.submit(() -> {
                String session = register(name);
                List<Long> mine = new ArrayList<>();
                for (int n = 0; !stop.get(); n++) {
                    createVideo(session, name, n).ifPresent(mine::add);
                    List<Long> known = List.copyOf(acknowledged);
                    if (!known.isEmpty()) {
                        long some = known.get(ThreadLocalRandom.current().nextInt(known.size()));
                        expectRead("/api/videos/" + some, null, some);
                    }
                    expectRead("/api/user/" + name + "/videos", null, -1);
                    expectRead("/api/rooms/video", session, -1);
                    expectRead("/api/admin/servers", admin, -1);
                    expectRead("/scheduler/tasks", admin, -1);
                    if ((n % 5 == 4 || mine.size() >= OWN_VIDEOS_KEPT) && !mine.isEmpty()) {
                        deleteVideo(session, mine.remove(ThreadLocalRandom.current().nextInt(mine.size())));
                    }
                }
                return null;
            }));
        }
        pool.shutdown();
        return workers;
    }

    /** Creates a video; its id when the creation was acknowledged. */
    private Optional<Long> createVideo(String session, String user, int n) {
        Instant sent = Instant.now();
        try {
            HttpResponse<String> created = send(gateway(), HttpRequest.newBuilder()
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"video " + n + "\"}"))
                    .header("Content-Type", "application/json"), "/api/user/" + user + "/videos", session);
            if (created.statusCode() == 201) {
                long id = JSON.readTree(created.body()).at("/response/id").asLong();
                acknowledged.add(id);
                if (sent.isAfter(databaseKilledAt)) {
                    writesSinceDatabaseKill.incrementAndGet();
                }
                return Optional.of(id);
            }
            failedWrites.add(created.statusCode() + " " + created.body());
        } catch (IOException e) {
            failedWrites.add("lost: " + e);
        }
        return Optional.empty();
    }

    /** Deletes one of the worker's own videos. */
    private void deleteVideo(String session, long id) {
        try {
            HttpResponse<String> answer = send(gateway(), HttpRequest.newBuilder().DELETE(), "/api/videos/" + id,
                                               session);
            if (answer.statusCode() == 204) {
                deleted.add(id);
            } else {
                perhapsDeleted.add(id);
                failedWrites.add(answer.statusCode() + " " + answer.body());
            }
        } catch (IOException e) {
            perhapsDeleted.add(id);
            failedWrites.add("lost: " + e);
        }
    }

    /**
     * A read that must answer 200, tried on the other gateway after a failure. A video that was deleted
     * may answer 404, or for a moment still 200 (another user-svc replica's cache, 2 s).
     */
    private void expectRead(String path, String session, long videoId) {
        reads.incrementAndGet();
        int status = read(path, session);
        if (status != 200 && !(status == 404 && (deleted.contains(videoId) || perhapsDeleted.contains(videoId)))) {
            failedReads.add(path + " answered " + status + " at " + Instant.now());
        }
    }

    /** The status of a GET, after up to {@link #READ_ATTEMPTS} tries over both gateways (-1: none answered). */
    private int read(String path, String session) {
        int status = -1;
        int first = ThreadLocalRandom.current().nextInt(gateways.size());
        for (int attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
            try {
                status = send(gateways.get((first + attempt) % gateways.size()), HttpRequest.newBuilder().GET(),
                              path, session).statusCode();
                if (status < 500) {
                    return status;
                }
            } catch (IOException e) {
                status = -1;
            }
        }
        return status;
    }

    /** A request to {@code gateway}; one that could not connect goes to the other gateway, as nothing was sent. */
    private HttpResponse<String> send(URI gateway, HttpRequest.Builder request, String path, String session)
            throws IOException {
        if (session != null) {
            request.header("X-Session-Id", session);
        }
        request.timeout(Duration.ofSeconds(10));
        try {
            try {
                return http.send(request.uri(gateway.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
            } catch (ConnectException refused) {
                URI other = gateways.get(0).equals(gateway) ? gateways.get(1) : gateways.get(0);
                return http.send(request.uri(other.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private URI gateway() {
        return gateways.get(ThreadLocalRandom.current().nextInt(gateways.size()));
    }

    private String register(String name) throws IOException {
        HttpResponse<String> registered = send(gateways.get(0), HttpRequest.newBuilder()
                .POST(HttpRequest.BodyPublishers.ofString(
                        JSON.createObjectNode().put("user_name", name).put("pwd", name + "-password").toString()))
                .header("Content-Type", "application/json"), "/api/register", null);
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        return JSON.readTree(registered.body()).at("/response/session_id").asText();
    }

    private String login(String name, String password) throws IOException {
        HttpResponse<String> login = send(gateways.get(0), HttpRequest.newBuilder()
                .POST(HttpRequest.BodyPublishers.ofString(
                        JSON.createObjectNode().put("user_name", name).put("pwd", password).toString()))
                .header("Content-Type", "application/json"), "/api/login", null);
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        return JSON.readTree(login.body()).at("/response/session_id").asText();
    }

    /** One of {@code service}'s replicas: a java process under up running that service's jar. */
    private static ProcessHandle aReplicaOf(ProcessHandle up, String service) {
        String jar = "/" + service + "/target/" + service + "-";
        List<ProcessHandle> replicas = up.descendants()
                .filter(p -> p.info().commandLine().map(line -> line.contains(jar)).orElse(false))
                .toList();
        assertThat(replicas).as("%s's replicas", service).hasSize(2);
        return replicas.get(1);
    }

    /** Waits until the launcher said {@code kills} times that a replica is ready again. */
    private static void awaitRestarted(MeshCopy.Run up, int kills, String service) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (up.output().split(" is ready again", -1).length - 1 < kills) {
            assertThat(Instant.now()).as("%s's killed replica ready again; up said:%n%s", service, up.output())
                                     .isBefore(deadline);
            Thread.sleep(250);
        }
    }

    /** Every deleted video has exactly one deletion task, and each of them succeeds. */
    private void awaitDeletionTasks(String admin) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (true) {
            List<JsonNode> tasks = allTasks(admin).stream()
                                                  .filter(task -> deleted.contains(task.path("video_id").asLong()))
                                                  .toList();
            Map<Long, Long> perVideo = new TreeMap<>();
            tasks.forEach(task -> perVideo.merge(task.path("video_id").asLong(), 1L, Long::sum));
            assertThat(perVideo.keySet()).as("videos with a deletion task").containsExactlyInAnyOrderElementsOf(deleted);
            assertThat(perVideo.values()).as("tasks per video").allMatch(count -> count == 1);
            if (tasks.stream().allMatch(task -> task.path("state").asText().equals("succeeded"))) {
                return;
            }
            assertThat(Instant.now()).as("every deletion task succeeded: %s", tasks).isBefore(deadline);
            Thread.sleep(1_000);
        }
    }

    /** Every task the scheduler lists, page after page. */
    private List<JsonNode> allTasks(String admin) throws IOException {
        List<JsonNode> tasks = new ArrayList<>();
        String cursor = "";
        do {
            HttpResponse<String> answer = send(gateways.get(0), HttpRequest.newBuilder().GET(),
                                               "/scheduler/tasks?limit=100&cursor=" + cursor, admin);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            JsonNode page = JSON.readTree(answer.body()).path("response");
            page.path("tasks").forEach(tasks::add);
            cursor = page.path("next_cursor").asText("");
        } while (!cursor.isEmpty());
        return tasks;
    }
}
