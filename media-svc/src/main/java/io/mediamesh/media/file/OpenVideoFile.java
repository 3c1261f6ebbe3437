package io.mediamesh.media.file;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * A stored file opened for reading. The channel keeps this version readable even if an upload
 * replaces it or a deletion removes it meanwhile.
 */
public record OpenVideoFile(StoredVideoFile stat, FileChannel channel) implements AutoCloseable {
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing was written through it; closing a read channel has nothing to lose.
        }
    }
}
