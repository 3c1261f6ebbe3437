package io.mediamesh.common.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link GaleraCluster} for a test class, in a temporary folder removed afterwards (with every
 * node stopped). Register it as a static field with a lower {@code @Order} than the fixtures whose
 * schemas live on it.
 */
public final class GaleraClusterExtension implements BeforeAllCallback, AfterAllCallback {
    private Path dir;
    private GaleraCluster cluster;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("mediamesh-galera-");
        cluster = GaleraCluster.start(dir);
        System.out.println(context.getRequiredTestClass().getSimpleName() + ": Galera cluster of "
                           + GaleraCluster.SIZE + " started in " + cluster.startedIn().toMillis() + " ms");
    }

    public GaleraCluster cluster() {
        if (cluster == null) {
            throw new IllegalStateException("GaleraClusterExtension is used before its beforeAll ran: check @Order");
        }
        return cluster;
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        if (dir != null) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }
}
