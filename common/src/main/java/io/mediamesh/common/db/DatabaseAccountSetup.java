package io.mediamesh.common.db;

import com.typesafe.config.Config;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.config.DatabaseSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;

/**
 * Gives each named service its own database account, as {@code ./mediamesh up} does when it manages
 * the database: {@code DatabaseAccountSetup SERVICE...} (e.g. {@code user-svc media-svc}), run with the
 * services' jars on the class path so that it reads their configuration exactly as they will
 * ({@code mediamesh.<service>.database}: schema, user, password or password-file).
 *
 * <p>A service without a configured password gets a generated one, written to its
 * {@code password-file} (0600, in a 0700 folder) when that file does not exist yet; later runs keep
 * it. The administrator's login comes from the environment, never the command line:
 * {@code MEDIAMESH_DB_ADMIN_USER} and {@code MEDIAMESH_DB_ADMIN_PASSWORD} (may be empty). Exits 1 with
 * the reason (never a password) when an account cannot be made.
 */
public final class DatabaseAccountSetup {
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final int GENERATED_LENGTH = 32;

    private DatabaseAccountSetup() {}

    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: DatabaseAccountSetup SERVICE...   (MEDIAMESH_DB_ADMIN_USER and "
                               + "MEDIAMESH_DB_ADMIN_PASSWORD in the environment)");
            System.exit(2);
        }
        Map<String, String> environment = System.getenv();
        String adminUser = environment.getOrDefault("MEDIAMESH_DB_ADMIN_USER", "");
        if (adminUser.isBlank()) {
            fail("MEDIAMESH_DB_ADMIN_USER must name the account that creates the services' accounts");
        }
        try {
            Config config = Configs.load(environment);
            for (String service : args) {
                DatabaseSettings settings = settingsWithPassword(config, service);
                try (Connection admin = DriverManager.getConnection(settings.url() + "/?connectTimeout=5000", adminUser,
                                                                    environment.getOrDefault(
                                                                            "MEDIAMESH_DB_ADMIN_PASSWORD", ""))) {
                    DatabaseAccounts.ensure(admin, settings);
                }
                System.out.println("database account " + settings.user() + " for " + service + ": rights on schema "
                                   + settings.schema() + " only");
            }
        } catch (SQLException e) {
            fail("cannot make the services' database accounts as " + adminUser + ": " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            fail(e.getMessage());
        }
    }

    /**
     * The service's settings; when it has neither a password nor an existing password file, the
     * password file is made first with a generated password.
     */
    static DatabaseSettings settingsWithPassword(Config config, String service) throws IOException {
        String path = "mediamesh." + service + ".database";
        if (!config.hasPath(path + ".schema")) {
            throw new IllegalArgumentException("unknown service " + service + " (no " + path + ".schema)");
        }
        Config database = config.getConfig(path);
        if (database.getString("password").isEmpty()) {
            String file = database.getString("password-file");
            if (file.isEmpty()) {
                throw new IllegalArgumentException("set " + path + ".password or " + path + ".password-file");
            }
            writeGeneratedPassword(Path.of(file));
        }
        return DatabaseSettings.from(config, path);
    }

    /** Writes a new random password to {@code file} unless it exists (it then keeps its password). */
    static void writeGeneratedPassword(Path file) throws IOException {
        Path folder = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(folder)) {
            Files.createDirectories(folder,
                                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        SecureRandom random = new SecureRandom();
        StringBuilder password = new StringBuilder(GENERATED_LENGTH);
        for (int i = 0; i < GENERATED_LENGTH; i++) {
            password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        try {
            // Created with its mode: the password is never readable by others, not even briefly.
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException kept) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            return;
        }
        Files.writeString(file, password + "\n", StandardCharsets.UTF_8);
    }

    private static void fail(String message) {
        System.err.println("database accounts: " + message);
        System.exit(1);
    }
}
