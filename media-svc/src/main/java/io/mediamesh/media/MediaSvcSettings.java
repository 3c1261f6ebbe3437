package io.mediamesh.media;

import com.typesafe.config.Config;
import io.mediamesh.common.config.DatabaseSettings;
import io.mediamesh.common.config.ServerSettings;
import io.mediamesh.common.config.ServiceEndpoints;
import io.mediamesh.media.file.FileSettings;
import io.mediamesh.media.fileserver.FileServerSettings;
import io.mediamesh.media.room.RoomSettings;
import io.mediamesh.media.stream.StreamSettings;
import java.time.Duration;

/** media-svc's configuration, from {@code mediamesh.media-svc} and the shared blocks (see reference.conf). */
public record MediaSvcSettings(ServerSettings server, DatabaseSettings database, ServiceEndpoints endpoints,
                               Duration deadline, Duration sessionCacheTtl, FileSettings files,
                               FileServerSettings fileServer, RoomSettings rooms, StreamSettings streams) {
    private static final String PATH = "mediamesh.media-svc";

    public static MediaSvcSettings from(Config root) {
        Config c = root.getConfig(PATH);
        return new MediaSvcSettings(ServerSettings.from(c.getConfig("server")),
                                    DatabaseSettings.from(root, PATH + ".database"),
                                    ServiceEndpoints.from(root),
                                    root.getDuration("mediamesh.client.deadline"),
                                    root.getDuration("mediamesh.sessions.remote-cache-ttl"),
                                    FileSettings.from(c.getConfig("files")),
                                    FileServerSettings.from(c.getConfig("file-server")),
                                    RoomSettings.from(c.getConfig("rooms")),
                                    StreamSettings.from(c.getConfig("streams")));
    }

    public MediaSvcSettings withDatabase(DatabaseSettings other) {
        return new MediaSvcSettings(server, other, endpoints, deadline, sessionCacheTtl, files, fileServer,
                                    rooms, streams);
    }

    public MediaSvcSettings withEndpoints(ServiceEndpoints other) {
        return new MediaSvcSettings(server, database, other, deadline, sessionCacheTtl, files, fileServer,
                                    rooms, streams);
    }

    public MediaSvcSettings withRooms(RoomSettings other) {
        return new MediaSvcSettings(server, database, endpoints, deadline, sessionCacheTtl, files, fileServer,
                                    other, streams);
    }

    public MediaSvcSettings withFileServer(FileServerSettings other) {
        return new MediaSvcSettings(server, database, endpoints, deadline, sessionCacheTtl, files, other,
                                    rooms, streams);
    }

    @Override
    public String toString() {
        return "MediaSvcSettings[server=" + server + ", database=" + database + ", endpoints=" + endpoints +
               ", files=" + files + ", fileServer=" + fileServer + ", rooms=" + rooms +
               ", streams=" + streams + ']';
    }
}
