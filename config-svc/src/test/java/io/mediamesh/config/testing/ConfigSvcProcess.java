package io.mediamesh.config.testing;

import io.mediamesh.common.config.DatabaseSettings;
import io.mediamesh.common.testing.FreePorts;
import io.mediamesh.common.testing.TestMeshCa;
import io.mediamesh.common.tls.CertifiedKey;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.Pem;
import io.mediamesh.config.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A config-svc replica as a JVM of its own (its real {@link Main} on this test's classpath), on a
 * given schema and user-svc, configured through its environment variables and {@code -D} settings,
 * so that a test can kill it as a crash would. Its output goes to a file under target/.
 */
public final class ConfigSvcProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final int port;

    private ConfigSvcProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /**
     * Starts it; it listens on {@link #port} once Main is through its start-up.
     *
     * @param properties configuration paths and values passed as {@code -Dpath=value}
     */
    public static ConfigSvcProcess start(String instanceId, DatabaseSettings database, int userSvcPort,
                                         Map<String, String> properties) throws IOException {
        int port = FreePorts.tcp();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-Dmediamesh.config-svc.health-check.interval=1h"));
        properties.forEach((path, value) -> command.add("-D" + path + '=' + value));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.put("MEDIAMESH_DB_URL", database.url());
        env.put("MEDIAMESH_CONFIG_SVC_DB_USER", database.user());
        env.put("MEDIAMESH_CONFIG_SVC_DB_PASSWORD", database.password());
        env.put("MEDIAMESH_CONFIG_SVC_DB_SCHEMA", database.schema());
        env.put("MEDIAMESH_CONFIG_SVC_PORT", Integer.toString(port));
        env.put("MEDIAMESH_USER_SVC_ENDPOINT", "127.0.0.1:" + userSvcPort);
        env.put("MEDIAMESH_CONFIG_SVC_INSTANCE_ID", instanceId);
        Path log = Path.of("target", "config-svc-process-" + instanceId + ".log");
        Files.createDirectories(log.getParent());
        // config-svc's certificate from the test CA (the agents obey no other), in files of its own.
        Path tls = Files.createDirectories(Path.of("target", "config-svc-process-" + instanceId + "-tls"));
        CertifiedKey certificate = TestMeshCa.issue(Identity.CONFIG_SVC);
        Pem.writeCertificates(tls.resolve("config-svc.crt"), certificate.chain());
        Pem.writeKey(tls.resolve("config-svc.key"), certificate.key());
        Pem.writeCertificates(tls.resolve("ca.crt"), List.of(TestMeshCa.caCertificate()));
        env.put("MEDIAMESH_TLS_DIR", tls.toString());
        env.remove("MEDIAMESH_TLS_MODE");
        Process process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ConfigSvcProcess(process, log, port);
    }

    public int port() {
        return port;
    }

    /** Kills the process without letting it clean up (SIGKILL), as a crash or an OOM killer would. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("config-svc process " + process.pid() + " survived SIGKILL");
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String output() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
