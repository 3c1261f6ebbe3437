package io.mediamesh.media.file;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * Another media-svc process, as far as a resumable upload's lock goes: tries the lock of upload
 * {@code args[1]} in the video folder {@code args[0]}, prints {@code locked} or {@code busy}, and
 * holds what it got until its standard input closes or it is killed.
 */
public final class ResumableLockHolder {
    private ResumableLockHolder() {}

    public static void main(String[] args) throws IOException {
        Optional<VideoFileStore.ResumableLock> lock =
                new VideoFileStore(Path.of(args[0]), Clock.systemUTC()).tryLockResumable(args[1]);
        System.out.println(lock.isPresent() ? "locked" : "busy");
        System.out.flush();
        while (System.in.read() >= 0) {
            // Holds the lock until the test closes the pipe.
        }
    }
}
