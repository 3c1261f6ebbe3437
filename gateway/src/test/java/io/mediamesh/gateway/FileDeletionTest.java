package io.mediamesh.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediamesh.common.testing.Await;
import io.mediamesh.gateway.testing.FileTransfers;
import io.mediamesh.gateway.testing.Mesh;
import io.mediamesh.gateway.testing.Rest;
import io.mediamesh.media.testing.TestVideos;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole deletion path, end to end: a REST deletion is recorded in user-svc's outbox, relayed
 * to scheduler-svc, whose engine has media-svc delete the file.
 */
class FileDeletionTest {
    @RegisterExtension
    static final Mesh mesh = new Mesh().withFileDeletions();

    private final Rest rest = mesh.rest();
    private final FileTransfers files = new FileTransfers(mesh);

    @Test
    void aVideoDeletedThroughTheApiHasItsFileGone() throws InterruptedException {
        String session = rest.register("fdel_alice");
        long kept = uploadedVideo(session, "fdel_alice", "kept");
        long deleted = uploadedVideo(session, "fdel_alice", "deleted");

        rest.delete("/api/videos/" + deleted, "X-Session-Id", session).expect(204);

        awaitTrue(() -> files.onDisk(deleted).isEmpty());
        assertThat(files.onDisk(kept)).isNotEmpty();
        assertThat(files.get(String.valueOf(deleted)).status().code()).isEqualTo(404);
        assertThat(files.get(String.valueOf(kept)).status().code()).isEqualTo(200);
    }

    @Test
    void deletingAUserDeletesAllTheirFiles() throws InterruptedException {
        String session = rest.register("fdel_bob");
        List<Long> videos = List.of(uploadedVideo(session, "fdel_bob", "one"),
                                    uploadedVideo(session, "fdel_bob", "two"));

        rest.delete("/api/user/fdel_bob", "X-Session-Id", session).expect(204);

        awaitTrue(() -> videos.stream().allMatch(video -> files.onDisk(video).isEmpty()));
    }

    private long uploadedVideo(String session, String owner, String name) {
        long video = rest.createVideo(session, owner, name);
        assertThat(files.upload(session, String.valueOf(video), TestVideos.mp4(64 * 1024, video)).status())
                .isEqualTo(200);
        assertThat(files.onDisk(video)).isNotEmpty();
        return video;
    }

    private void awaitTrue(BooleanSupplier condition) {
        Await.until("the file is gone", Duration.ofSeconds(30), condition, () -> {
            String admin = rest.login(Mesh.ADMIN, Mesh.ADMIN_PASSWORD);
            return "outbox: " + mesh.database().dsl().fetch("SELECT * FROM file_deletion_outbox") +
                   "; scheduler tasks: " + rest.get("/scheduler/tasks", "X-Session-Id", admin).body();
        });
    }
}
