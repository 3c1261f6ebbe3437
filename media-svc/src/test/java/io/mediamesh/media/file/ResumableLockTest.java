package io.mediamesh.media.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A resumable upload's lock excludes another process on the same folder (a second media-svc), and
 * dies with the process that holds it: a replica killed mid-PATCH leaves the upload free.
 */
class ResumableLockTest {
    private static final String UPLOAD = "0123456789abcdef0123456789abcdef";
    private static final String OTHER_UPLOAD = "fedcba9876543210fedcba9876543210";

    @TempDir
    Path root;

    @Test
    void aLockHeldByAnotherProcessRefusesUntilThatProcessIsKilled() throws Exception {
        VideoFileStore store = new VideoFileStore(root, Clock.systemUTC());
        Process holder = holder();
        try {
            assertThat(answer(holder)).isEqualTo("locked");
            assertThat(store.tryLockResumable(UPLOAD)).as("held by the other process").isEmpty();
            try (VideoFileStore.ResumableLock other = store.tryLockResumable(OTHER_UPLOAD).orElseThrow()) {
                assertThat(other).as("another upload's lock is its own").isNotNull();
            }

            holder.destroyForcibly();
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
            Optional<VideoFileStore.ResumableLock> after = store.tryLockResumable(UPLOAD);
            assertThat(after).as("free once its holder died").isPresent();

            // And the other way round: held here, refused to the other process.
            Process refused = holder();
            try {
                assertThat(answer(refused)).isEqualTo("busy");
            } finally {
                refused.destroyForcibly().waitFor();
            }
            after.get().close();
        } finally {
            holder.destroyForcibly().waitFor();
        }
    }

    private Process holder() throws IOException {
        return new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                          "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                                          "-cp", System.getProperty("java.class.path"),
                                          ResumableLockHolder.class.getName(), root.toString(), UPLOAD))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** The holder's answer, past what logging prints at start-up; null if it ended without one. */
    private static String answer(Process process) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                                                                      StandardCharsets.US_ASCII));
        String line = out.readLine();
        while (line != null && !line.equals("locked") && !line.equals("busy")) {
            line = out.readLine();
        }
        return line;
    }
}
