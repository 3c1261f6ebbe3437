package io.mediamesh.user;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.client.BlockingWebClient;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.mediamesh.api.v1.CreateVideoRequest;
import io.mediamesh.api.v1.GetVideoRequest;
import io.mediamesh.api.v1.RegisterUserRequest;
import io.mediamesh.api.v1.UserServiceGrpc.UserServiceBlockingStub;
import io.mediamesh.api.v1.VideoServiceGrpc.VideoServiceBlockingStub;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.client.GrpcClientFactory;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.config.DatabaseSettings;
import io.mediamesh.common.db.Database;
import io.mediamesh.common.testing.Await;
import io.mediamesh.common.testing.FreePorts;
import io.mediamesh.common.testing.ServiceProcess;
import io.mediamesh.common.testing.TestDatabase;
import io.mediamesh.common.testing.TestMeshCa;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.MeshTls;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two user-svc replicas (processes of their own) on one schema behind one client of common's
 * GrpcClientFactory, as the gateway and the services call each other ({@code host:port,host:port}):
 * calls spread over both; one killed (SIGKILL) under steady reads and writes costs no read (each is
 * tried again on the other) and only writes that were under way at that moment, all UNAVAILABLE;
 * the survivor takes everything; and once the killed replica is started again, its health check
 * lets calls reach it again.
 */
class ReplicaFailoverTest {
    private static final int CLIENTS = 4;
    /** A failed write must have been under way within this of the stop. */
    private static final Duration AROUND_THE_STOP = Duration.ofSeconds(1);

    @RegisterExtension
    @Order(1)
    static final TestDatabase db = new TestDatabase();

    /** What one call did, on the clock of System.nanoTime(). */
    private record Outcome(boolean write, long startedNanos, long endedNanos, Status.Code code) {}

    /** One user-svc replica: its real Main as a process of its own, on a port it comes back on. */
    private static final class Replica implements AutoCloseable {
        private final String name;
        private final int port = FreePorts.tcp();
        private ServiceProcess process;

        Replica(String name) {
            this.name = name;
        }

        /** Starts the process; {@link #awaitUp()} waits until it serves. */
        void start() throws IOException {
            DatabaseSettings database = db.settings();
            process = ServiceProcess.start(name, Identity.USER_SVC, Main.class,
                                           Map.of("MEDIAMESH_DB_URL", database.url(),
                                                  "MEDIAMESH_USER_SVC_DB_USER", database.user(),
                                                  "MEDIAMESH_USER_SVC_DB_PASSWORD", database.password(),
                                                  "MEDIAMESH_USER_SVC_DB_SCHEMA", database.schema(),
                                                  "MEDIAMESH_USER_SVC_PORT", String.valueOf(port),
                                                  "MEDIAMESH_QUOTA_VIDEOS", "1000000"),
                                           Map.of());
        }

        void awaitUp() {
            Await.until(name + " serves", Duration.ofSeconds(90), () -> {
                try {
                    return BlockingWebClient.of("http://" + endpoint()).get("/health").status().code() == 200;
                } catch (RuntimeException notYet) {
                    assertThat(process.isAlive()).as(name + " is running").isTrue();
                    return false;
                }
            });
        }

        void kill() throws InterruptedException {
            process.kill();
        }

        String endpoint() {
            return "127.0.0.1:" + port;
        }

        /** The gRPC calls this run of the process has served (its /metrics). */
        long calls() {
            return TestMeshCa.web(port).get("/metrics").contentUtf8().lines()
                             .filter(line -> line.startsWith("grpc_service_requests_total{")
                                             && line.contains("service=\"mediamesh.v1."))
                             .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                             .sum();
        }

        @Override
        public void close() throws InterruptedException {
            if (process != null) {
                process.close();
            }
        }
    }

    @Test
    void callsSpreadOverBothSurviveOneStoppingAndReachItAgainWhenItIsBack() throws Exception {
        Duration deadline = UserSvcSettings.from(Configs.load(Map.of())).clientDeadline();
        // The schema made once, so that the replicas start side by side on it.
        Database.open(db.settings(), UserSvc.MIGRATIONS).close();
        try (Replica first = new Replica("replica-failover-1");
             Replica second = new Replica("replica-failover-2");
             MeshTls gateway = TestMeshCa.tls(Identity.GATEWAY);
             GrpcClientFactory clients = new GrpcClientFactory(gateway, deadline)) {
            first.start();
            second.start();
            first.awaitUp();
            second.awaitUp();
            String endpoints = first.endpoint() + ',' + second.endpoint();
            // A registration hashes a password: on a busy machine that may take longer than the deadline.
            String session = clients.withDeadline(Duration.ofSeconds(20))
                                    .newStub(endpoints, UserServiceBlockingStub.class)
                                    .registerUser(RegisterUserRequest.newBuilder().setUserName("replicas")
                                                                     .setPassword("replica-password").build())
                                    .getSession().getSessionId();
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of(Callers.SESSION_HEADER, Metadata.ASCII_STRING_MARSHALLER), session);
            VideoServiceBlockingStub videos = clients.newStub(endpoints, VideoServiceBlockingStub.class)
                                                     .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));

            // (a) Calls spread over both.
            long video = videos.createVideo(CreateVideoRequest.newBuilder().setUserName("replicas").setName("v0")
                                                              .build()).getVideo().getId();
            long firstBefore = first.calls();
            long secondBefore = second.calls();
            for (int i = 0; i < 40; i++) {
                videos.getVideo(GetVideoRequest.newBuilder().setVideoId(video).build());
            }
            assertThat(first.calls() - firstBefore).as("reads on the first replica").isGreaterThanOrEqualTo(10);
            assertThat(second.calls() - secondBefore).as("reads on the second replica").isGreaterThanOrEqualTo(10);

            // (b) Steady writes and reads; the first replica stops under them.
            Queue<Long> acknowledged = new ConcurrentLinkedQueue<>(List.of(video));
            Queue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
            AtomicBoolean done = new AtomicBoolean();
            ExecutorService load = Executors.newFixedThreadPool(CLIENTS);
            try {
                for (int c = 0; c < CLIENTS; c++) {
                    String prefix = "c" + c + '-';
                    load.submit(() -> {
                        for (int n = 0; !done.get(); n++) {
                            String name = prefix + n;
                            call(outcomes, true, () -> acknowledged.add(videos.createVideo(
                                    CreateVideoRequest.newBuilder().setUserName("replicas").setName(name).build())
                                                                              .getVideo().getId()));
                            List<Long> known = List.copyOf(acknowledged);
                            long id = known.get(ThreadLocalRandom.current().nextInt(known.size()));
                            call(outcomes, false, () -> videos.getVideo(GetVideoRequest.newBuilder().setVideoId(id)
                                                                                       .build()));
                        }
                        return null;
                    });
                }
                Await.until("calls before the stop", () -> outcomes.size() >= 100);
                long stopped = System.nanoTime();
                first.kill();
                long settled = stopped + AROUND_THE_STOP.toNanos();
                Await.until("calls on the survivor", Duration.ofSeconds(20),
                            () -> outcomes.stream().filter(o -> o.startedNanos() > settled).count() >= 200);

                // (c) Back: its health check lets calls reach it again.
                long survivorBefore = second.calls();
                first.start();
                first.awaitUp();
                long restarted = System.nanoTime();
                Await.until("calls on the replica that came back", Duration.ofSeconds(20),
                            () -> first.calls() > 20, () -> first.calls() + " calls");
                long reachedAgain = System.nanoTime();
                done.set(true);
                load.shutdown();
                assertThat(load.awaitTermination(deadline.toMillis() * 2, TimeUnit.MILLISECONDS)).isTrue();

                List<Outcome> all = List.copyOf(outcomes);
                List<Outcome> beforeReturn = all.stream().filter(o -> o.startedNanos() < restarted).toList();
                List<Outcome> afterReturn = all.stream().filter(o -> o.startedNanos() >= restarted).toList();
                List<Outcome> failed = beforeReturn.stream().filter(o -> o.code() != Status.Code.OK).toList();
                List<Outcome> failedAfterReturn = afterReturn.stream().filter(o -> o.code() != Status.Code.OK).toList();
                System.out.printf("ReplicaFailoverTest: %d calls; %d writes failed around the kill (%s), the last"
                                  + " answered %d ms after it; the replica that came back was called again %d ms"
                                  + " after it served; %d calls failed after it came back (%s)%n",
                                  all.size(), failed.size(), failed.stream().map(Outcome::code).distinct().toList(),
                                  failed.stream().mapToLong(o -> (o.endedNanos() - stopped) / 1_000_000).max()
                                        .orElse(0),
                                  (reachedAgain - restarted) / 1_000_000, failedAfterReturn.size(),
                                  failedAfterReturn.stream().map(Outcome::code).distinct().toList());
                assertThat(beforeReturn).as("reads until the replica came back").filteredOn(o -> !o.write())
                                        .hasSizeGreaterThan(200)
                                        .allSatisfy(o -> assertThat(o.code()).isEqualTo(Status.Code.OK));
                assertThat(failed).as("failed calls until the replica came back: writes under way at the kill,"
                                      + " UNAVAILABLE").allSatisfy(o -> {
                    assertThat(o.write()).isTrue();
                    assertThat(o.code()).isEqualTo(Status.Code.UNAVAILABLE);
                    assertThat(o.endedNanos()).isGreaterThan(stopped);
                    assertThat(o.startedNanos()).isLessThan(settled);
                });
                // A JVM just started answers its first calls slowly; on a busy machine one may pass its
                // deadline while the client still ramps the replica's share up. Nothing else may fail.
                long warm = restarted + Duration.ofSeconds(10).toNanos();
                assertThat(failedAfterReturn).as("failed calls once the replica came back").allSatisfy(o -> {
                    assertThat(o.code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
                    assertThat(o.startedNanos()).isLessThan(warm);
                });
                assertThat(all).as("calls that outlived their deadline (%s)", deadline)
                               .filteredOn(o -> o.endedNanos() - o.startedNanos() > deadline.toNanos() + 500_000_000L)
                               .isEmpty();
                assertThat(second.calls()).as("calls on the survivor after the other came back")
                                          .isGreaterThan(survivorBefore);
            } finally {
                done.set(true);
                load.shutdownNow();
            }
        }
    }

    private static void call(Queue<Outcome> outcomes, boolean write, Runnable call) {
        long started = System.nanoTime();
        Status.Code code = Status.Code.OK;
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            code = e.getStatus().getCode();
        }
        outcomes.add(new Outcome(write, started, System.nanoTime(), code));
    }
}
