package io.mediamesh.config.agent;

import com.linecorp.armeria.server.Server;
import com.typesafe.config.Config;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.files.DurableFiles;
import io.mediamesh.common.server.ServiceServer;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.MeshTls;
import io.mediamesh.config.validate.ConfigValidators;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * Starts a config agent for one media server (see reference.conf, mediamesh.config-agent):
 * <pre>
 *   java -cp 'config-svc/target/config-svc-0.1.0-SNAPSHOT.jar:config-svc/target/lib/*' \
 *        -Dmediamesh.config-agent.server-name=edge-1 -Dmediamesh.config-agent.root=/var/lib/mediamesh/edge-1 \
 *        io.mediamesh.config.agent.AgentMain
 * </pre>
 * Its certificate is that of the identity {@code agent/<server-name>} (mediamesh.tls); its port
 * admits config-svc's certificate only. Once it listens it writes its port to
 * {@code <root>/agent.port} (useful with port 0).
 */
public final class AgentMain {
    private AgentMain() {}

    public static void main(String[] args) throws IOException {
        Config config = Configs.load();
        AgentSettings settings = AgentSettings.from(config);
        start(settings, MeshTls.from(config, Identity.agent(settings.serverName())));
    }

    /** Starts an agent (stopped when the JVM exits, then closing {@code tls}) and writes its port file. */
    public static Server start(AgentSettings settings, MeshTls tls) throws IOException {
        ConfigAgent agent = new ConfigAgent(settings, ConfigValidators.configured(settings.validation()), tls,
                                            Clock.systemUTC());
        Server server = ServiceServer.start("config-agent " + settings.serverName(), settings.server(), tls,
                                            Identity.CONFIG_SVC::equals, List.of(), agent::configureServices, tls);
        Path portFile = settings.root().resolve("agent.port");
        DurableFiles.writeThenRename(settings.root().resolve(".agent.port.tmp"), portFile,
                                     Integer.toString(server.activeLocalPort()).getBytes(StandardCharsets.US_ASCII));
        return server;
    }
}
