package io.mediamesh.config.agent;

import com.typesafe.config.Config;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.common.config.ServerSettings;
import io.mediamesh.config.ConfigKinds;
import io.mediamesh.config.validate.ValidationTools;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A config agent's configuration, from {@code mediamesh.config-agent} (see reference.conf).
 *
 * @param reloadCommands per kind, the shell command run after its files change (absent = none)
 */
public record AgentSettings(ServerSettings server, String serverName, Path root, Set<ConfigKind> kinds,
                            Map<ConfigKind, String> reloadCommands, Duration reloadTimeout,
                            int maxStagedVersions, ValidationTools validation) {
    private static final String PATH = "mediamesh.config-agent";

    public AgentSettings {
        if (serverName.isBlank()) {
            throw new IllegalArgumentException(PATH + ".server-name (MEDIAMESH_AGENT_SERVER_NAME) must be set.");
        }
        if (root.toString().isEmpty()) {
            throw new IllegalArgumentException(PATH + ".root (MEDIAMESH_AGENT_ROOT) must be set.");
        }
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException(PATH + ".kinds must name at least one kind.");
        }
        if (maxStagedVersions < 1) {
            throw new IllegalArgumentException(PATH + ".max-staged-versions must be at least 1.");
        }
        root = root.toAbsolutePath().normalize();
        kinds = Set.copyOf(kinds);
        reloadCommands = Map.copyOf(reloadCommands);
    }

    public static AgentSettings from(Config rootConfig) {
        Config c = rootConfig.getConfig(PATH);
        Set<ConfigKind> kinds = EnumSet.noneOf(ConfigKind.class);
        for (String name : c.getString("kinds").split(",")) {
            if (!name.isBlank()) {
                kinds.add(kindNamed(name));
            }
        }
        Map<ConfigKind, String> reload = new EnumMap<>(ConfigKind.class);
        for (ConfigKind kind : kinds) {
            String command = c.getString("reload." + ConfigKinds.name(kind)).trim();
            if (!command.isEmpty()) {
                reload.put(kind, command);
            }
        }
        return new AgentSettings(ServerSettings.from(c.getConfig("server")), c.getString("server-name").trim(),
                                 Path.of(c.getString("root")), kinds, reload, c.getDuration("reload-timeout"),
                                 c.getInt("max-staged-versions"), ValidationTools.from(c.getConfig("validation")));
    }

    private static ConfigKind kindNamed(String name) {
        return ConfigKinds.parse(name.trim().toLowerCase(Locale.ROOT)).orElseThrow(() -> new IllegalArgumentException(
                PATH + ".kinds: unknown kind \"" + name + "\" (nginx, janus, coturn)."));
    }

    @Override
    public String toString() {
        return "AgentSettings[server=" + server + ", serverName=" + serverName + ", root=" + root + ", kinds=" +
               kinds + ", reload=" + reloadCommands.keySet() + ']';
    }
}
