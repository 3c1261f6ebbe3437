package io.mediamesh.common.testing;

import io.mediamesh.common.tls.CertifiedKey;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A service of the mesh as a separate JVM: its real {@code Main} on this test's classpath,
 * configured through environment variables (and {@code -D} properties), presenting a certificate
 * of its identity from the test CA, in files of its own. Its output goes to a file under target/
 * for when a test fails. It can be killed as a crash would kill it.
 */
public final class ServiceProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;

    private ServiceProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code main} as {@code identity}, named {@code name} (its log and TLS files under target/).
     *
     * @param environment variables besides the TLS ones (which this sets)
     * @param properties configuration paths and values passed as {@code -Dpath=value}
     */
    public static ServiceProcess start(String name, Identity identity, Class<?> main, Map<String, String> environment,
                                       Map<String, String> properties) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        properties.forEach((path, value) -> command.add("-D" + path + '=' + value));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.putAll(environment);
        Path log = Path.of("target", name + ".log");
        Files.createDirectories(log.getParent());
        Path tls = Files.createDirectories(Path.of("target", name + "-tls"));
        CertifiedKey certificate = TestMeshCa.issue(identity);
        Pem.writeCertificates(tls.resolve(identity.fileStem() + ".crt"), certificate.chain());
        Pem.writeKey(tls.resolve(identity.fileStem() + ".key"), certificate.key());
        Pem.writeCertificates(tls.resolve("ca.crt"), List.of(TestMeshCa.caCertificate()));
        env.put("MEDIAMESH_TLS_DIR", tls.toString());
        env.remove("MEDIAMESH_TLS_MODE");
        Process process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ServiceProcess(name, process, log);
    }

    /** Kills the process without letting it clean up (SIGKILL), as a crash or an OOM killer would. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " process " + process.pid() + " survived SIGKILL");
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
