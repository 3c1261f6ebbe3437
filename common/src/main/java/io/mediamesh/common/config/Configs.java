package io.mediamesh.common.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Loads a service's configuration. Highest precedence first:
 * <ol>
 *   <li>JVM system properties ({@code -Dmediamesh.user-svc.port=9201});</li>
 *   <li>environment variables, as mapped by every {@code environment.conf} on the classpath
 *       ({@code MEDIAMESH_USER_SVC_PORT=9201});</li>
 *   <li>the file named by {@code MEDIAMESH_CONFIG} (HOCON, JSON or properties), if set;</li>
 *   <li>the defaults in every {@code reference.conf}, which run the mesh on one machine.</li>
 * </ol>
 */
public final class Configs {
    public static final String CONFIG_FILE_VARIABLE = "MEDIAMESH_CONFIG";

    private Configs() {}

    public static Config load() {
        return load(System.getenv());
    }

    /** As {@link #load()}, with the environment given, which lets tests set variables. */
    public static Config load(Map<String, String> environment) {
        Config file = ConfigFactory.empty();
        String path = environment.get(CONFIG_FILE_VARIABLE);
        if (path != null && !path.isBlank()) {
            Path configFile = Path.of(path);
            if (!Files.isReadable(configFile)) {
                throw new IllegalArgumentException(CONFIG_FILE_VARIABLE + " names an unreadable file: " + path);
            }
            file = ConfigFactory.parseFile(configFile.toFile());
        }
        return ConfigFactory.systemProperties()
                            .withFallback(fromEnvironment(environment))
                            .withFallback(file)
                            .withFallback(ConfigFactory.defaultReference())
                            .resolve();
    }

    /**
     * Every {@code environment.conf} on the classpath maps variable names to configuration paths
     * ({@code MEDIAMESH_USER_SVC_PORT = "mediamesh.user-svc.server.port"}); each variable that is
     * set becomes a value at its path.
     */
    private static Config fromEnvironment(Map<String, String> environment) {
        Config mapping = ConfigFactory.parseResources("environment.conf");
        Map<String, String> values = new HashMap<>();
        for (String variable : mapping.root().keySet()) {
            String value = environment.get(variable);
            if (value != null) {
                values.put(mapping.getString(variable), value);
            }
        }
        return ConfigFactory.parseMap(values, "environment variables");
    }
}
