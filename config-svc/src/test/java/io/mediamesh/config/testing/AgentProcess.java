package io.mediamesh.config.testing;

import io.mediamesh.common.testing.TestMeshCa;
import io.mediamesh.common.tls.CertifiedKey;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real config agent in a process of its own (the test JVM's classpath, AgentMain), with its own
 * root folder, listening on an ephemeral loopback port that it reports in {@code <root>/agent.port},
 * over the mesh's TLS with a certificate of the test CA (PEM files beside its root).
 */
public final class AgentProcess implements AutoCloseable {
    private final String serverName;
    private final Path root;
    private final Process process;
    private final int port;

    private AgentProcess(String serverName, Path root, Process process, int port) {
        this.serverName = serverName;
        this.root = root;
        this.process = process;
        this.port = port;
    }

    /**
     * Starts an agent and waits until it listens.
     *
     * @param settings extra configuration, as paths under mediamesh (e.g. "config-agent.reload.nginx")
     */
    public static AgentProcess start(String serverName, Path root, Map<String, String> settings)
            throws IOException, InterruptedException {
        return startAs(Identity.agent(serverName), serverName, root, settings);
    }

    /** As {@link #start}, with a certificate that names {@code certified} (another server's agent, say). */
    public static AgentProcess startAs(Identity certified, String serverName, Path root, Map<String, String> settings)
            throws IOException, InterruptedException {
        return await(launch(certified, serverName, root, settings));
    }

    /** Starts several agents at once, then waits for all of them (JVM start-up overlaps). */
    public static List<AgentProcess> startAll(List<String> serverNames, Path parent, Map<String, String> settings)
            throws IOException, InterruptedException {
        List<Launched> launched = new ArrayList<>();
        for (String name : serverNames) {
            launched.add(launch(Identity.agent(name), name, parent.resolve(name), settings));
        }
        List<AgentProcess> agents = new ArrayList<>();
        try {
            for (Launched agent : launched) {
                agents.add(await(agent));
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // The caller gets no agents to stop: stop every one started here.
            for (Launched agent : launched) {
                agent.process().destroyForcibly().waitFor();
            }
            throw e;
        }
        return agents;
    }

    private record Launched(String serverName, Path root, Process process) {}

    private static Launched launch(Identity certified, String serverName, Path root, Map<String, String> settings)
            throws IOException {
        Files.createDirectories(root);
        Files.deleteIfExists(root.resolve("agent.port"));
        Path tls = Files.createDirectories(root.resolveSibling(root.getFileName() + "-tls"));
        CertifiedKey certificate = TestMeshCa.issue(certified);
        Pem.writeCertificates(tls.resolve("agent.crt"), certificate.chain());
        Pem.writeKey(tls.resolve("agent.key"), certificate.key());
        Pem.writeCertificates(tls.resolve("ca.crt"), List.of(TestMeshCa.caCertificate()));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // A small, quick-starting JVM: an agent does little and a test starts a dozen. The
                // JDK's TLS serves its few calls; loading OpenSSL would be a quarter of its start-up.
                "-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
                "-Dcom.linecorp.armeria.useOpenSsl=false",
                "-cp", System.getProperty("java.class.path"),
                "-Dmediamesh.config-agent.server.port=0",
                "-Dmediamesh.config-agent.server-name=" + serverName,
                "-Dmediamesh.config-agent.root=" + root));
        settings.forEach((path, value) -> command.add("-Dmediamesh." + path + '=' + value));
        command.add("io.mediamesh.config.agent.AgentMain");
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("MEDIAMESH_TLS_CERT", tls.resolve("agent.crt").toString());
        builder.environment().put("MEDIAMESH_TLS_KEY", tls.resolve("agent.key").toString());
        builder.environment().put("MEDIAMESH_TLS_CA", tls.resolve("ca.crt").toString());
        // Not inherited from a developer's shell: the agent runs the mesh's default mode.
        builder.environment().remove("MEDIAMESH_TLS_MODE");
        builder.environment().remove("MEDIAMESH_TLS_DIR");
        Process process = builder.redirectErrorStream(true).redirectOutput(root.resolve("agent.log").toFile()).start();
        return new Launched(serverName, root, process);
    }

    private static AgentProcess await(Launched launched) throws IOException, InterruptedException {
        Path portFile = launched.root().resolve("agent.port");
        // A dozen JVMs starting at once on a busy two-core machine take their time.
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (!Files.exists(portFile)) {
            if (!launched.process().isAlive() || Instant.now().isAfter(deadline)) {
                launched.process().destroyForcibly();
                throw new IllegalStateException("Agent " + launched.serverName() + " did not start:\n" +
                                                Files.readString(launched.root().resolve("agent.log")));
            }
            Thread.sleep(50);
        }
        int port = Integer.parseInt(Files.readString(portFile, StandardCharsets.US_ASCII).trim());
        return new AgentProcess(launched.serverName(), launched.root(), launched.process(), port);
    }

    public String serverName() {
        return serverName;
    }

    public Path root() {
        return root;
    }

    /** host:port, as registered in config-svc. */
    public String endpoint() {
        return "127.0.0.1:" + port;
    }

    /** The file the media server reads, e.g. {@code activeFile("nginx", "nginx.conf")}. */
    public Path activeFile(String kind, String fileName) {
        return root.resolve(kind).resolve("active").resolve(fileName);
    }

    /** SIGKILL: the agent vanishes mid-call, as when its host dies. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * The agent's whole command line, as {@code ps -ww} shows it to every user of the machine
     * (ProcessHandle.Info cuts it short).
     */
    public String commandLine() throws IOException {
        return Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline")).replace('\0', ' ');
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
