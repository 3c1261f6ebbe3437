package io.mediamesh.deploy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A module's configuration as its process sees it (common/.../config/Configs): reference.conf
 * defaults, and the environment variables mapped by environment.conf, its own and common's (the
 * only ones on a service's runtime class path).
 *
 * @param variables environment variable -> configuration path
 * @param otherVariables variables read outside environment.conf: the JVM's, Configs' own
 *     MEDIAMESH_CONFIG, and those logback.xml reads
 */
record ServiceConfig(String module, Config reference, Map<String, String> variables, Set<String> otherVariables) {
    private static final Pattern LOGBACK_VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+):-");

    static ServiceConfig load(Path repository, String module) {
        Path common = repository.resolve("common/src/main/resources");
        Path own = repository.resolve(module).resolve("src/main/resources");
        Config reference = ConfigFactory.systemProperties()
                                        .withFallback(ConfigFactory.parseFile(own.resolve("reference.conf").toFile()))
                                        .withFallback(ConfigFactory.parseFile(common.resolve("reference.conf").toFile()))
                                        .resolve();
        Map<String, String> variables = new HashMap<>();
        for (Path file : List.of(common.resolve("environment.conf"), own.resolve("environment.conf"))) {
            Config mapping = ConfigFactory.parseFile(file.toFile());
            mapping.root().keySet().forEach(name -> variables.put(name, mapping.getString(name)));
        }
        Set<String> other = new TreeSet<>(Set.of("JAVA_TOOL_OPTIONS", "MEDIAMESH_CONFIG"));
        try {
            Matcher m = LOGBACK_VARIABLE.matcher(Files.readString(common.resolve("logback.xml")));
            while (m.find()) {
                other.add(m.group(1));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new ServiceConfig(module, reference, Map.copyOf(variables), Set.copyOf(other));
    }

    boolean knows(String variable) {
        return variables.containsKey(variable) || otherVariables.contains(variable);
    }

    /** The configuration with these variables set, as the service would read it. */
    Config with(Map<String, String> environment) {
        Map<String, String> values = new HashMap<>();
        environment.forEach((name, value) -> {
            if (variables.containsKey(name)) {
                values.put(variables.get(name), value);
            }
        });
        return ConfigFactory.parseMap(values, "container environment").withFallback(reference);
    }
}
