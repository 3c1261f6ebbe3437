package io.mediamesh.media;

import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import com.typesafe.config.ConfigFactory;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.config.DatabaseSettings;
import io.mediamesh.common.db.Database;
import io.mediamesh.common.testing.TestDatabase;
import io.mediamesh.common.testing.TestMeshCa;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.MeshTls;
import io.mediamesh.media.file.VideoFileStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * media-svc alone on loopback over the mesh's TLS (a test CA's certificate), with a temporary video
 * folder and a schema of its own. No user-svc or config-svc runs: both are a closed port, so only calls that need no session work.
 */
public final class MediaSvcFixture extends ServerExtension {
    private final Path root;
    private final DatabaseSettings databaseSettings = TestDatabase.settingsFor("mediasvcfixture");
    private VideoFileStore store;
    private Database database;
    private MediaSvc mediaSvc;
    private MeshTls tls;

    public MediaSvcFixture() {
        try {
            root = Files.createTempDirectory("mediamesh-videos-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected void configure(ServerBuilder sb) {
        Map<String, Object> overrides = new HashMap<>();
        overrides.put("mediamesh.media-svc.files.root", root.toString());
        // Port 1 on loopback: nothing listens, so a session check fails fast instead of reaching a
        // developer's running mesh.
        overrides.put("mediamesh.endpoints.user-svc", "127.0.0.1:1");
        overrides.put("mediamesh.endpoints.config-svc", "127.0.0.1:1");
        // Any free port: tests run beside each other and beside a developer's mesh.
        overrides.put("mediamesh.media-svc.file-server.port", 0);
        MediaSvcSettings settings = MediaSvcSettings.from(
                ConfigFactory.parseMap(overrides).withFallback(Configs.load(Map.of())))
                .withDatabase(databaseSettings);
        database = Database.open(databaseSettings, MediaSvc.MIGRATIONS);
        tls = TestMeshCa.tls(Identity.MEDIA_SVC);
        mediaSvc = new MediaSvc(database, settings, tls, Clock.systemUTC());
        store = new VideoFileStore(settings.files().root(), Clock.systemUTC());
        mediaSvc.configureServices(TestMeshCa.listen(sb, tls, 0, MediaSvc.PLAIN_PATHS));
    }

    @Override
    public void after(org.junit.jupiter.api.extension.ExtensionContext context) throws Exception {
        super.after(context);
        mediaSvc.close();
        tls.close();
        database.close();
        TestDatabase.drop(databaseSettings);
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    public Path root() {
        return root;
    }

    /** The same folder as the server's, for putting files in place and looking at what is left. */
    public VideoFileStore store() {
        return store;
    }
}
