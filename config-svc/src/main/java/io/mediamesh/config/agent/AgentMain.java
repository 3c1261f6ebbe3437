package io.mediamesh.config.agent;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.server.Server;
import io.mediamesh.api.v1.SessionServiceGrpc.SessionServiceBlockingStub;
import io.mediamesh.common.auth.RemoteSessionValidator;
import io.mediamesh.common.client.GrpcClientFactory;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.files.DurableFiles;
import io.mediamesh.common.server.ServiceServer;
import io.mediamesh.config.validate.ConfigValidators;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Starts a config agent for one media server (see reference.conf, mediamesh.config-agent):
 * <pre>
 *   java -cp 'config-svc/target/config-svc-0.1.0-SNAPSHOT.jar:config-svc/target/lib/*' \
 *        -Dmediamesh.config-agent.server-name=edge-1 -Dmediamesh.config-agent.root=/var/lib/mediamesh/edge-1 \
 *        io.mediamesh.config.agent.AgentMain
 * </pre>
 * Once it listens it writes its port to {@code <root>/agent.port} (useful with port 0).
 */
public final class AgentMain {
    private static final long SESSION_CACHE_ENTRIES = 1_000;

    private AgentMain() {}

    public static void main(String[] args) throws IOException {
        start(AgentSettings.from(Configs.load()));
    }

    /** Starts an agent (stopped when the JVM exits) and writes its port file. */
    public static Server start(AgentSettings settings) throws IOException {
        // Only admins' sessions need user-svc; config-svc calls with the service token.
        SessionServiceBlockingStub sessions = new GrpcClientFactory(ClientFactory.ofDefault(), settings.clientDeadline())
                .newStub(settings.endpoints().userSvc(), SessionServiceBlockingStub.class);
        ConfigAgent agent = new ConfigAgent(settings, ConfigValidators.configured(settings.validation()),
                                            new RemoteSessionValidator(sessions, settings.sessionCacheTtl(),
                                                                       SESSION_CACHE_ENTRIES),
                                            Clock.systemUTC());
        Server server = ServiceServer.start("config-agent " + settings.serverName(), settings.server(),
                                            agent::configureServices);
        Path portFile = settings.root().resolve("agent.port");
        DurableFiles.writeThenRename(settings.root().resolve(".agent.port.tmp"), portFile,
                                     Integer.toString(server.activeLocalPort()).getBytes(StandardCharsets.US_ASCII));
        return server;
    }
}
