package io.mediamesh.common.server;

import com.linecorp.armeria.server.Server;
import io.mediamesh.common.config.DatabaseSettings;
import io.mediamesh.common.db.Database;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service of the mesh serving in this JVM, started the one way its {@code Main} starts it: a process
 * runs one, a test runs several side by side. Closing it stops the server first (in-flight calls
 * drain), then closes what it served from, in order: the service (its timers, engines, clients), then
 * its database pool.
 *
 * @param name       e.g. {@code user-svc}, in logs
 * @param service    the service's domain wiring, for tests that look inside it
 * @param server     its server, already started
 * @param health     where it answers {@code /health} in plain HTTP
 * @param database   its database pool; null for the gateway, which has none
 * @param closeAfter closed after the server has stopped, in this order
 */
public record RunningService<S>(String name, S service, Server server, URI health, Database database,
                                List<AutoCloseable> closeAfter) implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(RunningService.class);

    public RunningService {
        closeAfter = List.copyOf(closeAfter);
    }

    /**
     * A service of the mesh with a schema of its own, its {@code /health} on its port: every service but
     * the gateway. Closing it closes {@code service}, then {@code database}.
     */
    public static <S extends AutoCloseable> RunningService<S> of(String name, S service, Database database,
                                                                 Server server) {
        return new RunningService<>(name, service, server, healthOn(server.activeLocalPort()), database,
                                    List.of(service, database));
    }

    /**
     * Opens (and migrates) a service's schema, then starts the service on it with {@code start}. A start
     * that fails closes the pool again: a service that cannot start leaves no connections behind.
     */
    public static <S> RunningService<S> onSchema(DatabaseSettings schema, String migrations,
                                                 Function<Database, RunningService<S>> start) {
        Database database = Database.open(schema, migrations);
        try {
            return start.apply(database);
        } catch (RuntimeException | Error e) {
            database.close();
            throw e;
        }
    }

    @Override
    public Database database() {
        if (database == null) {
            throw new IllegalStateException(name + " has no database");
        }
        return database;
    }

    /** The plain-HTTP health check of a server of the mesh on loopback {@code port}. */
    public static URI healthOn(int port) {
        return URI.create("http://127.0.0.1:" + port + ServiceServer.HEALTH_PATH);
    }

    /** The same service, {@code resource} closed after the rest (e.g. the TLS a test made for it). */
    public RunningService<S> alsoClosing(AutoCloseable resource) {
        List<AutoCloseable> all = new ArrayList<>(closeAfter);
        all.add(resource);
        return new RunningService<>(name, service, server, health, database, all);
    }

    /** This service, typed as {@code type} (a mesh of several kinds hands its services out untyped). */
    @SuppressWarnings("unchecked")
    public <T> RunningService<T> as(Class<T> type) {
        type.cast(service);
        return (RunningService<T>) this;
    }

    /** The port it serves on (its first). */
    public int port() {
        return server.activeLocalPort();
    }

    @Override
    public void close() {
        server.stop().join();
        for (AutoCloseable resource : closeAfter) {
            try {
                resource.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                logger.warn("{}: interrupted while closing {}", name, resource);
            } catch (Exception e) {
                logger.warn("{}: failed to close {}", name, resource, e);
            }
        }
    }
}
