package io.mediamesh.media.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediamesh.api.v1.CreateStreamRequest;
import io.mediamesh.api.v1.DestroyStreamRequest;
import io.mediamesh.api.v1.ForwardStreamRequest;
import io.mediamesh.api.v1.GetServerRequest;
import io.mediamesh.api.v1.MediaServer;
import io.mediamesh.api.v1.MediaServerServiceGrpc.MediaServerServiceBlockingStub;
import io.mediamesh.api.v1.StreamServiceGrpc.StreamServiceBlockingStub;
import io.mediamesh.api.v1.UpdateServerRequest;
import io.mediamesh.media.testing.RoomMesh;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How long ForwardStream takes origin -> relay -> one edge against -> two edges, on real Janus
 * instances. Run on demand only (its name is not one surefire picks up by itself):
 * {@code ./mvnw -o -q -B -pl media-svc -am verify -Dtest=ForwardingBench -Dsurefire.failIfNoSpecifiedTests=false}
 * The figures are printed to the test's output (media-svc/target/surefire-reports/*-output.txt).
 */
class ForwardingBench {
    private static final int WARM_UP = 3;
    private static final int RUNS = 21;

    @RegisterExtension
    // A generous Janus deadline: on a loaded machine a create that times out is sent again and found
    // to exist already (427), which would end the run; the timings are unaffected.
    static final RoomMesh mesh = new RoomMesh().withEdges(2).with("mediamesh.media-svc.rooms.janus-deadline", "5s");

    @Test
    void forwardToOneEdgeAgainstTwo() throws InterruptedException {
        String alice = mesh.userSession("alice");
        String admin = mesh.adminSession();
        StreamServiceBlockingStub streams = mesh.media(StreamServiceBlockingStub.class, alice);
        MediaServerServiceBlockingStub registry = mesh.registry(admin);
        long edge2 = mesh.servers().stream().filter(s -> s.getName().equals("edge2")).findFirst().orElseThrow()
                         .getId();
        Map<Integer, List<Long>> millis = new TreeMap<>();
        for (int run = 0; run < WARM_UP + RUNS; run++) {
            for (int edges = 1; edges <= 2; edges++) {
                MediaServer server = registry.getServer(GetServerRequest.newBuilder().setServerId(edge2).build())
                                             .getServer();
                registry.updateServer(UpdateServerRequest.newBuilder().setServerId(edge2)
                                                         .setServer(server.toBuilder().setEnabled(edges == 2))
                                                         .build());
                // Lets media-svc's registry cache (200 ms in the mesh) expire: waiting on time itself.
                Thread.sleep(400);
                long id = streams.createStream(CreateStreamRequest.newBuilder().setName("bench").setAudio(true)
                                                                  .setVideo(true).build()).getStreamId();
                long start = System.nanoTime();
                int tiers = streams.forwardStream(ForwardStreamRequest.newBuilder().setStreamId(id).build())
                                   .getTiersCount();
                long took = (System.nanoTime() - start) / 1_000_000;
                assertThat(tiers).isEqualTo(2 + edges);
                streams.destroyStream(DestroyStreamRequest.newBuilder().setStreamId(id).build());
                if (run >= WARM_UP) {
                    millis.computeIfAbsent(edges, e -> new ArrayList<>()).add(took);
                }
            }
        }
        millis.forEach((edges, runs) -> {
            List<Long> sorted = runs.stream().sorted().toList();
            System.out.printf("BENCH forward origin->relay->%d edge(s): median %d ms (min %d, max %d) over %d runs %s%n",
                              edges, sorted.get(sorted.size() / 2), sorted.get(0), sorted.get(sorted.size() - 1),
                              sorted.size(), runs);
        });
        assertThat(millis.get(2)).hasSize(RUNS);
    }
}
