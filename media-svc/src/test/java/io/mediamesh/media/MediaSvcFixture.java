package io.mediamesh.media;

import com.typesafe.config.ConfigFactory;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.config.DatabaseSettings;
import io.mediamesh.common.server.BackgroundWork;
import io.mediamesh.common.testing.InJvmServices;
import io.mediamesh.common.testing.TestDatabase;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.launcher.LocalMesh;
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
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * media-svc alone on loopback over the mesh's TLS (a test CA's certificate), started by its {@code run} as
 * Main starts it, with a temporary video folder and a schema of its own. No user-svc or config-svc runs:
 * both are a closed port, so only calls that need no session work.
 */
public final class MediaSvcFixture implements BeforeAllCallback, AfterAllCallback {
    private static final String MEDIA_SVC = "media-svc";

    private final Path root;
    private final DatabaseSettings databaseSettings = TestDatabase.settingsFor("mediasvcfixture");
    private LocalMesh mesh;
    private VideoFileStore store;

    public MediaSvcFixture() {
        try {
            root = Files.createTempDirectory("mediamesh-videos-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Map<String, Object> overrides = new HashMap<>(InJvmServices.SETTINGS);
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
        store = new VideoFileStore(settings.files().root(), Clock.systemUTC());
        mesh = LocalMesh.inThisJvm();
        // No background work: without config-svc (a closed port) there are no Janus servers to reconcile,
        // and these tests need no timer's work.
        mesh.startTier(LocalMesh.Tier.inJvm(MEDIA_SVC, () -> InJvmServices.closingTls(Identity.MEDIA_SVC, tls ->
                MediaSvc.run(settings, tls,
                             Clock.systemUTC(), BackgroundWork.OFF))));
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        mesh.stop();
        TestDatabase.drop(databaseSettings);
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    /** media-svc's mesh port (gRPC over the mesh's TLS, /health in plain HTTP). */
    public int httpPort() {
        return mesh.running(MEDIA_SVC, 0).port();
    }

    public Path root() {
        return root;
    }

    /** The same folder as the server's, for putting files in place and looking at what is left. */
    public VideoFileStore store() {
        return store;
    }
}
