package io.mediamesh.config.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.MeshCaFiles;
import io.mediamesh.common.tls.MeshTls;
import io.mediamesh.config.agent.AgentMain;
import io.mediamesh.config.agent.AgentSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
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
        // The CA the benchmark wrote there (TestMeshCa.writeCa) issues each agent's certificate.
        Path tls = parent.resolve("tls");
        Config base = ConfigFactory.parseMap(Map.of("mediamesh.tls.dir", tls.toString())).withFallback(Configs.load());
        for (int i = 1; i < args.length; i++) {
            Path root = parent.resolve(args[i]);
            Files.createDirectories(root);
            Identity identity = Identity.agent(args[i]);
            new MeshCaFiles(tls, new SecureRandom()).ensure(List.of(identity), List.of("127.0.0.1"));
            Config config = ConfigFactory.parseMap(Map.of(
                    "mediamesh.config-agent.server-name", args[i],
                    "mediamesh.config-agent.root", root.toString(),
                    "mediamesh.config-agent.kinds", "nginx",
                    "mediamesh.config-agent.server.port", 0)).withFallback(base);
            AgentMain.start(AgentSettings.from(config), MeshTls.from(config, identity));
        }
    }
}
