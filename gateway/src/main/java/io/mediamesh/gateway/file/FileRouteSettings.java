package io.mediamesh.gateway.file;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The file routes' settings, from {@code mediamesh.gateway.files} and {@code mediamesh.gateway.limiter}.
 *
 * @param idleTimeout longest time a transfer may make no progress
 * @param maxUploadBody largest upload request body, in bytes
 * @param uploadChunk bytes per gRPC message of an upload
 * @param streamTokens concurrent /stream requests
 * @param uploadTokens concurrent /upload requests
 * @param retryAfter what a 429 tells the client to wait
 */
public record FileRouteSettings(Duration idleTimeout, long maxUploadBody, int uploadChunk, int streamTokens,
                                int uploadTokens, Duration retryAfter) {
    private static final int MAX_CHUNK = 1024 * 1024;

    public FileRouteSettings {
        if (uploadChunk <= 0 || uploadChunk > MAX_CHUNK) {
            throw new IllegalArgumentException("files.upload-chunk must be between 1 byte and 1 MiB");
        }
        if (streamTokens <= 0 || uploadTokens <= 0) {
            throw new IllegalArgumentException("limiter tokens must be positive");
        }
    }

    public static FileRouteSettings from(Config gateway) {
        Config files = gateway.getConfig("files");
        Config limiter = gateway.getConfig("limiter");
        return new FileRouteSettings(files.getDuration("idle-timeout"), files.getBytes("max-upload-body"),
                                     files.getBytes("upload-chunk").intValue(), limiter.getInt("stream-tokens"),
                                     limiter.getInt("upload-tokens"), limiter.getDuration("retry-after"));
    }
}
