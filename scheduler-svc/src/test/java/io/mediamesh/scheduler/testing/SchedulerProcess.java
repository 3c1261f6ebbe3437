package io.mediamesh.scheduler.testing;

import io.mediamesh.common.config.DatabaseSettings;
import io.mediamesh.common.config.ServiceEndpoints;
import io.mediamesh.common.testing.TestMeshCa;
import io.mediamesh.common.tls.CertifiedKey;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.Pem;
import io.mediamesh.scheduler.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * scheduler-svc as a separate JVM: its real {@link Main} on this test's classpath, configured through
 * environment variables (and {@code -D} properties for engine settings) to use a test schema and the
 * test's services. Its output goes to a file under target/ for when a test fails.
 */
public final class SchedulerProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private SchedulerProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * @param properties configuration paths and values passed as {@code -Dpath=value}
     */
    public static SchedulerProcess start(String instanceId, DatabaseSettings database, ServiceEndpoints endpoints,
                                         Map<String, String> properties) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        properties.forEach((path, value) -> command.add("-D" + path + '=' + value));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.put("MEDIAMESH_DB_URL", database.url());
        env.put("MEDIAMESH_SCHEDULER_SVC_DB_USER", database.user());
        env.put("MEDIAMESH_SCHEDULER_SVC_DB_PASSWORD", database.password());
        env.put("MEDIAMESH_SCHEDULER_SVC_DB_SCHEMA", database.schema());
        env.put("MEDIAMESH_SCHEDULER_SVC_PORT", "0");
        env.put("MEDIAMESH_USER_SVC_ENDPOINT", endpoints.userSvc());
        env.put("MEDIAMESH_MEDIA_SVC_ENDPOINT", endpoints.mediaSvc());
        env.put("MEDIAMESH_SCHEDULER_INSTANCE_ID", instanceId);
        Path log = Path.of("target", "scheduler-process-" + instanceId + ".log");
        Files.createDirectories(log.getParent());
        // Its certificate from the test CA, in files of its own.
        Path tls = Files.createDirectories(Path.of("target", "scheduler-process-" + instanceId + "-tls"));
        CertifiedKey certificate = TestMeshCa.issue(Identity.SCHEDULER_SVC);
        Pem.writeCertificates(tls.resolve("scheduler-svc.crt"), certificate.chain());
        Pem.writeKey(tls.resolve("scheduler-svc.key"), certificate.key());
        Pem.writeCertificates(tls.resolve("ca.crt"), List.of(TestMeshCa.caCertificate()));
        env.put("MEDIAMESH_TLS_DIR", tls.toString());
        env.remove("MEDIAMESH_TLS_MODE");
        Process process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new SchedulerProcess(process, log);
    }

    /** Kills the process without letting it clean up (SIGKILL), as a crash or an OOM killer would. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("scheduler-svc process " + process.pid() + " survived SIGKILL");
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
