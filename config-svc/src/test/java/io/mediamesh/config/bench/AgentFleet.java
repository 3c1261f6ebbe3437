package io.mediamesh.config.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.mediamesh.common.config.Configs;
import io.mediamesh.config.agent.AgentMain;
import io.mediamesh.config.agent.AgentSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Several config agents in one JVM, for the benchmark: a hundred agent JVMs would need more memory
 * than the machine has, while what the benchmark measures (config-svc's fan-out, gRPC on loopback,
 * nginx -t per server) is the same. Each agent has its own port, folder and server name.
 * Arguments: the parent folder, then the server names.
 */
public final class AgentFleet {
    private AgentFleet() {}

    public static void main(String[] args) throws Exception {
        Path parent = Path.of(args[0]);
        Config base = Configs.load();
        for (int i = 1; i < args.length; i++) {
            Path root = parent.resolve(args[i]);
            Files.createDirectories(root);
            AgentMain.start(AgentSettings.from(ConfigFactory.parseMap(Map.of(
                    "mediamesh.config-agent.server-name", args[i],
                    "mediamesh.config-agent.root", root.toString(),
                    "mediamesh.config-agent.kinds", "nginx",
                    "mediamesh.config-agent.server.port", 0)).withFallback(base)));
        }
    }
}
