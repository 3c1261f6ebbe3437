package io.mediamesh.media.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediamesh.api.v1.CreateStreamRequest;
import io.mediamesh.api.v1.DestroyStreamRequest;
import io.mediamesh.api.v1.ForwardStreamRequest;
import io.mediamesh.api.v1.MediaServerRole;
import io.mediamesh.api.v1.StreamServiceGrpc.StreamServiceBlockingStub;
import io.mediamesh.api.v1.StreamTier;
import io.mediamesh.media.testing.RoomMesh;
import io.mediamesh.media.testing.RoomPeople;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Streams created and forwarded straight away, again and again, while the reconciler passes over
 * every stream all the time, on real Janus instances. Two races once failed such requests now and
 * then: a pass made the origin room of a stream still being created, whose creator then got Janus's
 * 427 "already exists"; and a forward from a relay room made a moment before got 428 "No such feed",
 * as Janus puts a remote publisher in its room only after answering add_remote_publisher.
 */
class StreamSetUpRacesTest {
    // Side by side, so that each request's steps stretch out as they do on a busy machine.
    private static final int WORKERS = 3;
    private static final int ROUNDS = 15;

    @RegisterExtension
    static final RoomMesh mesh = new RoomMesh().with("mediamesh.media-svc.streams.reconcile-interval", "5ms");

    @Test
    void streamsCreatedAndForwardedAtOnceUnderAConstantReconcilerAllWork() throws Exception {
        StreamServiceBlockingStub streams = mesh.media(StreamServiceBlockingStub.class,
                                                       RoomPeople.signIn(mesh).alice());
        ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int worker = 0; worker < WORKERS; worker++) {
                String name = "race " + worker;
                done.add(workers.submit(() -> createForwardAndDestroy(streams, name)));
            }
            for (Future<?> worker : done) {
                worker.get();
            }
        } finally {
            workers.shutdownNow();
        }
    }

    private static void createForwardAndDestroy(StreamServiceBlockingStub streams, String name) {
        for (int round = 0; round < ROUNDS; round++) {
            long id = streams.createStream(CreateStreamRequest.newBuilder().setName(name).setAudio(true)
                                                              .setVideo(true).build()).getStreamId();
            assertThat(streams.forwardStream(ForwardStreamRequest.newBuilder().setStreamId(id).build()).getTiersList())
                    .as("%s, round %d", name, round).extracting(StreamTier::getRole)
                    .containsExactly(MediaServerRole.MEDIA_SERVER_ROLE_ORIGIN, MediaServerRole.MEDIA_SERVER_ROLE_RELAY,
                                     MediaServerRole.MEDIA_SERVER_ROLE_EDGE);
            streams.destroyStream(DestroyStreamRequest.newBuilder().setStreamId(id).build());
        }
    }
}
