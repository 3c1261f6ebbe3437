package io.mediamesh.config.apply;

import static io.mediamesh.api.v1.MediaServerRole.MEDIA_SERVER_ROLE_EDGE;
import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.client.WebClient;
import io.mediamesh.api.v1.ApplyOutcome;
import io.mediamesh.api.v1.ApplyPolicy;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.CreateServerRequest;
import io.mediamesh.api.v1.DeleteServerRequest;
import io.mediamesh.api.v1.GetServerRequest;
import io.mediamesh.api.v1.MediaServer;
import io.mediamesh.api.v1.ServerStatus;
import io.mediamesh.api.v1.StartApply;
import io.mediamesh.common.testing.Await;
import io.mediamesh.common.testing.TestMeshCa;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.MeshTls;
import io.mediamesh.config.testing.AgentProcess;
import io.mediamesh.config.testing.ApplyStream;
import io.mediamesh.config.testing.ConfigSvcFixture;
import io.mediamesh.config.testing.Servers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * config-svc checks an agent's certificate before it sends it anything: a server registered with
 * the endpoint of another server's agent is shown untrusted (not healthy) and gets no apply, while
 * the agent whose certificate names the registered server is healthy.
 */
class UntrustedAgentTest {
    @RegisterExtension
    static final ConfigSvcFixture fixture = new ConfigSvcFixture()
            .with("mediamesh.config-svc.health-check.interval", "300ms");

    @TempDir
    static Path root;

    @Test
    void anAgentWhoseCertificateNamesAnotherServerIsUntrustedAndGetsNothing() throws Exception {
        String admin = fixture.adminSession();
        try (AgentProcess agent = AgentProcess.start("edge-b", root.resolve("edge-b"),
                                                     Map.of("config-agent.kinds", "nginx",
                                                            "config-agent.reload.nginx", "true"))) {
            // edge-a's agent_endpoint points at edge-b's agent (a typo, or someone's trap).
            MediaServer wrong = create(admin, Servers.loopback("edge-a", MEDIA_SERVER_ROLE_EDGE)
                                                     .setAgentEndpoint(agent.endpoint()).build());
            MediaServer untrusted = await(admin, wrong.getId(),
                                          server -> server.getStatus() == ServerStatus.SERVER_STATUS_UNHEALTHY);
            assertThat(untrusted.getStatusMessage()).startsWith("Untrusted").contains("agent/edge-b")
                                                    .contains("Nothing was sent");

            ApplyStream apply = ApplyStream.start(fixture.port(), admin, StartApply.newBuilder()
                    .setKind(ConfigKind.CONFIG_KIND_NGINX).addRoles(MEDIA_SERVER_ROLE_EDGE)
                    .setPolicy(ApplyPolicy.APPLY_POLICY_ALL_OR_NOTHING).build());
            assertThat(apply.summary().getOutcome()).isNotEqualTo(ApplyOutcome.APPLY_OUTCOME_SUCCEEDED);
            // Not one call reached the agent: no staged files, no gRPC request in its own count.
            assertThat(Files.exists(agent.root().resolve("nginx").resolve("staged")) &&
                       Files.list(agent.root().resolve("nginx").resolve("staged")).findAny().isPresent()).isFalse();
            assertThat(agentMetrics(agent)).doesNotContain("ConfigAgentService");

            // Registered under its own name (in place of the wrong entry), the same agent is trusted.
            fixture.servers(admin).deleteServer(DeleteServerRequest.newBuilder().setServerId(wrong.getId()).build());
            MediaServer right = create(admin, Servers.loopback("edge-b", MEDIA_SERVER_ROLE_EDGE)
                                                     .setAgentEndpoint(agent.endpoint()).build());
            await(admin, right.getId(), server -> server.getStatus() == ServerStatus.SERVER_STATUS_HEALTHY);
            assertThat(agentMetrics(agent)).contains("ConfigAgentService");
        }
    }

    /** The agent's /metrics, read as config-svc (the only identity its port admits). */
    private static String agentMetrics(AgentProcess agent) {
        try (MeshTls configSvc = TestMeshCa.tls(Identity.CONFIG_SVC)) {
            return WebClient.builder(configSvc.uri(agent.endpoint())).factory(configSvc.clientFactory()).build()
                            .blocking().get("/metrics").contentUtf8();
        }
    }

    private static MediaServer create(String admin, MediaServer server) {
        return fixture.servers(admin).createServer(CreateServerRequest.newBuilder().setServer(server).build())
                      .getServer();
    }

    private static MediaServer server(String admin, long id) {
        return fixture.servers(admin).getServer(GetServerRequest.newBuilder().setServerId(id).build()).getServer();
    }

    private static MediaServer await(String admin, long id, Predicate<MediaServer> wanted) {
        AtomicReference<MediaServer> server = new AtomicReference<>();
        Await.until("server " + id + " is as wanted", Duration.ofSeconds(20), () -> {
            server.set(server(admin, id));
            return wanted.test(server.get());
        }, () -> String.valueOf(server.get()));
        return server.get();
    }
}
