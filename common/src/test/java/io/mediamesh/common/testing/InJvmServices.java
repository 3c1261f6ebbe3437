package io.mediamesh.common.testing;

import io.mediamesh.common.server.RunningService;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.MeshTls;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the test fixtures share when they start the mesh's services in their JVM, each by its own
 * {@code run} as its Main does, under {@code LocalMesh}: settings, and a test-CA certificate per service.
 */
public final class InJvmServices {
    private static final List<String> SERVICES = List.of("user-svc", "media-svc", "config-svc", "scheduler-svc",
                                                         "gateway");

    /**
     * Settings of every service a fixture starts, under its own overrides: any free loopback port, and a stop
     * that does not wait for a quiet period, so that a test class's services stop at once (tests of the
     * drain stop a server themselves and watch).
     */
    public static final Map<String, Object> SETTINGS = settings();

    private InJvmServices() {}

    private static Map<String, Object> settings() {
        Map<String, Object> settings = new HashMap<>();
        for (String service : SERVICES) {
            String server = "mediamesh." + service + ".server.";
            settings.put(server + "host", "127.0.0.1");
            settings.put(server + "port", 0);
            settings.put(server + "graceful-quiet-period", "0s");
            settings.put(server + "graceful-timeout", "0s");
        }
        return Map.copyOf(settings);
    }

    /** What starts a service on the TLS it is given. */
    @FunctionalInterface
    public interface Run<S> {
        RunningService<S> run(MeshTls tls) throws Exception;
    }

    /** Runs a service with a fresh certificate of {@code identity} from the test CA, closed after the service. */
    public static <S> RunningService<S> closingTls(Identity identity, Run<S> run) throws Exception {
        MeshTls tls = TestMeshCa.tls(identity);
        try {
            return run.run(tls).alsoClosing(tls);
        } catch (Exception | Error e) {
            tls.close();
            throw e;
        }
    }
}
