package io.mediamesh.media;

import com.typesafe.config.Config;
import io.mediamesh.common.config.ServerSettings;
import io.mediamesh.common.config.ServiceEndpoints;
import io.mediamesh.media.file.FileSettings;
import java.time.Duration;

/** media-svc's configuration, from {@code mediamesh.media-svc} and the shared blocks (see reference.conf). */
public record MediaSvcSettings(ServerSettings server, ServiceEndpoints endpoints, Duration deadline,
                               Duration sessionCacheTtl, String serviceToken, FileSettings files) {
    private static final String PATH = "mediamesh.media-svc";

    public static MediaSvcSettings from(Config root) {
        Config c = root.getConfig(PATH);
        return new MediaSvcSettings(ServerSettings.from(c.getConfig("server")),
                                    ServiceEndpoints.from(root),
                                    root.getDuration("mediamesh.client.deadline"),
                                    root.getDuration("mediamesh.sessions.remote-cache-ttl"),
                                    root.getString("mediamesh.service-token"),
                                    FileSettings.from(c.getConfig("files")));
    }

    @Override
    public String toString() {
        // The service token stays out of logs.
        return "MediaSvcSettings[server=" + server + ", endpoints=" + endpoints + ", files=" + files + ']';
    }
}
