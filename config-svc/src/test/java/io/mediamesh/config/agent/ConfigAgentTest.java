package io.mediamesh.config.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.mediamesh.api.v1.ActivateConfigRequest;
import io.mediamesh.api.v1.ActivateConfigResponse;
import io.mediamesh.api.v1.ConfigAgentServiceGrpc.ConfigAgentServiceBlockingStub;
import io.mediamesh.api.v1.ConfigFile;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.GetActiveConfigRequest;
import io.mediamesh.api.v1.GetActiveConfigResponse;
import io.mediamesh.api.v1.GetAgentStatusRequest;
import io.mediamesh.api.v1.GetAgentStatusResponse;
import io.mediamesh.api.v1.RollbackConfigRequest;
import io.mediamesh.api.v1.RollbackConfigResponse;
import io.mediamesh.api.v1.StageConfigRequest;
import io.mediamesh.api.v1.StageConfigResponse;
import io.mediamesh.api.v1.ValidateConfigRequest;
import io.mediamesh.api.v1.ValidateConfigResponse;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.error.ErrorCatalog;
import io.mediamesh.common.testing.GrpcurlChecks;
import io.mediamesh.common.testing.Strangers;
import io.mediamesh.common.testing.TestMeshCa;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.MeshTls;
import io.mediamesh.config.render.RenderedConfig;
import io.mediamesh.config.testing.AgentProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One real agent process with real nginx: staging, validation by nginx -t, atomic activation with
 * a reload command, the no-op re-apply, byte-for-byte rollback, and the agent's refusals: it
 * obeys config-svc's certificate only.
 */
class ConfigAgentTest {
    /** Refuses files containing "refuse-on-reload"; logs every reload otherwise. */
    private static final String RELOAD = "if grep -q refuse-on-reload \"$MEDIAMESH_CONFIG_DIR/nginx.conf\"; then " +
                                         "echo reload refused; exit 3; fi; " +
                                         "echo \"reloaded $MEDIAMESH_CONFIG_VERSION\" >> reloads.log";

    @TempDir
    static Path root;
    private static AgentProcess agent;
    private static ConfigAgentServiceBlockingStub stub;
    private static MeshTls configSvc;

    @BeforeAll
    static void startAgent() throws Exception {
        agent = AgentProcess.start("edge-7", root.resolve("edge-7"),
                                   Map.of("config-agent.kinds", "nginx", "config-agent.reload.nginx", RELOAD));
        configSvc = TestMeshCa.tls(Identity.CONFIG_SVC);
        stub = as(configSvc, Duration.ofSeconds(20));
    }

    @AfterAll
    static void stopAgent() throws Exception {
        agent.close();
        configSvc.close();
    }

    private static ConfigAgentServiceBlockingStub as(MeshTls tls, Duration deadline) {
        return TestMeshCa.grpc(tls, agent.endpoint()).responseTimeout(deadline)
                         .build(ConfigAgentServiceBlockingStub.class);
    }

    @Test
    void activatesAValidatedVersionAtomicallyAndReportsIt() throws Exception {
        String config = nginxConf(18401, "");
        assertThat(stage("v-good-1", config).getAlreadyActive()).isFalse();
        ValidateConfigResponse validated = validate("v-good-1");
        assertThat(validated.getOk()).as(validated.getToolOutput()).isTrue();
        ActivateConfigResponse activated = activate("v-good-1");
        assertThat(activated.getChanged()).isTrue();
        assertThat(activated.getReloaded()).isTrue();
        assertThat(Files.readString(agent.activeFile("nginx", "nginx.conf"))).isEqualTo(config);
        assertThat(Files.readString(agent.root().resolve("nginx/reloads.log"))).contains("reloaded v-good-1");

        GetActiveConfigResponse active = stub.getActiveConfig(
                GetActiveConfigRequest.newBuilder().setKind(ConfigKind.CONFIG_KIND_NGINX).build());
        assertThat(active.getVersion()).isEqualTo("v-good-1");
        assertThat(active.getSha256()).isEqualTo(digest(config));
        assertThat(active.getFileNamesList()).containsExactly("nginx.conf");

        // The same version again changes nothing and says so.
        assertThat(stage("v-good-1", config).getAlreadyActive()).isTrue();
        ActivateConfigResponse again = activate("v-good-1");
        assertThat(again.getChanged()).isFalse();
        assertThat(Files.readString(agent.root().resolve("nginx/reloads.log")).lines()
                        .filter(line -> line.equals("reloaded v-good-1"))).hasSize(1);
    }

    @Test
    void nginxRejectionIsAnAnswerWithTheToolsMessageAndNothingChanges() throws Exception {
        activateNew("v-base-2", nginxConf(18402, ""));
        byte[] before = Files.readAllBytes(agent.activeFile("nginx", "nginx.conf"));

        stage("v-bad-2", nginxConf(18402, "        no_such_directive on;\n"));
        ValidateConfigResponse rejected = validate("v-bad-2");
        assertThat(rejected.getOk()).isFalse();
        assertThat(rejected.getExitCode()).isEqualTo(1);
        assertThat(rejected.getToolOutput()).contains("unknown directive \"no_such_directive\"");
        assertThat(code(() -> activate("v-bad-2"))).isEqualTo(ErrorCode.CONFIG_VALIDATION_FAILED);
        assertThat(Files.readAllBytes(agent.activeFile("nginx", "nginx.conf"))).isEqualTo(before);
    }

    @Test
    void rollbackRestoresThePreviousFilesByteForByteAndOnlyOnce() throws Exception {
        // Odd bytes on purpose: trailing spaces, CRLF and no final newline survive the round trip.
        String first = nginxConf(18403, "        # first  \r\n").stripTrailing();
        activateNew("v-first-3", first);
        byte[] firstBytes = Files.readAllBytes(agent.activeFile("nginx", "nginx.conf"));
        activateNew("v-second-3", nginxConf(18403, "        # second\n"));

        RollbackConfigResponse rolledBack = rollback("v-second-3");
        assertThat(rolledBack.getRolledBack()).isTrue();
        assertThat(rolledBack.getRestoredVersion()).isEqualTo("v-first-3");
        assertThat(Files.readAllBytes(agent.activeFile("nginx", "nginx.conf"))).isEqualTo(firstBytes);
        // A retried rollback is guarded by the version it meant to undo: nothing happens.
        RollbackConfigResponse retried = rollback("v-second-3");
        assertThat(retried.getRolledBack()).isFalse();
        assertThat(retried.getRestoredVersion()).isEqualTo("v-first-3");
        assertThat(Files.readAllBytes(agent.activeFile("nginx", "nginx.conf"))).isEqualTo(firstBytes);
        // And there is only one step of history to go back.
        assertThat(code(() -> rollback(""))).isEqualTo(ErrorCode.NOT_FOUND);
    }

    @Test
    void aReloadFailurePutsThePreviousFilesBack() throws Exception {
        activateNew("v-base-4", nginxConf(18404, ""));
        byte[] before = Files.readAllBytes(agent.activeFile("nginx", "nginx.conf"));
        stage("v-refused-4", nginxConf(18404, "        # refuse-on-reload\n"));
        assertThat(validate("v-refused-4").getOk()).isTrue();

        StatusRuntimeException refused = (StatusRuntimeException) catchThrowable(() -> activate("v-refused-4"));
        assertThat(ErrorCatalog.reasonOf(refused)).contains(ErrorCode.CONFIG_VALIDATION_FAILED);
        assertThat(refused.getStatus().getDescription()).contains("reload refused");
        assertThat(Files.readAllBytes(agent.activeFile("nginx", "nginx.conf"))).isEqualTo(before);
        assertThat(active().getVersion()).isEqualTo("v-base-4");
    }

    @Test
    void itsKeyIsNotOnTheAgentsCommandLine() throws Exception {
        assertThat(agent.commandLine()).contains("AgentMain").doesNotContain("agent.key").doesNotContain("PRIVATE");
    }

    @Test
    void obeysConfigSvcOnlyNotAnAdminsOrAUsersSessionNorAnotherIdentity() throws Exception {
        StageConfigRequest stage = StageConfigRequest.newBuilder().setKind(ConfigKind.CONFIG_KIND_NGINX)
                                                     .setVersion("v-intruder")
                                                     .addFiles(file("nginx.conf", nginxConf(18409, ""))).build();
        // The gateway carrying an admin's session, an operator's tool with a user's, media-svc on its
        // own: each a certificate of the mesh, none config-svc's.
        Map<Identity, String> callers = Map.of(Identity.GATEWAY, "an-admins-session",
                                               Identity.OPERATOR, "a-users-session",
                                               Identity.MEDIA_SVC, "");
        for (Map.Entry<Identity, String> caller : callers.entrySet()) {
            try (MeshTls tls = TestMeshCa.tls(caller.getKey())) {
                var builder = TestMeshCa.grpc(tls, agent.endpoint()).responseTimeout(Duration.ofSeconds(5));
                if (!caller.getValue().isEmpty()) {
                    builder.setHeader(Callers.SESSION_HEADER, caller.getValue());
                }
                ConfigAgentServiceBlockingStub intruder = builder.build(ConfigAgentServiceBlockingStub.class);
                Throwable refused = catchThrowable(() -> intruder.stageConfig(stage));
                assertThat(refused).as(caller.getKey().name()).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
                    assertThat(e.getStatus().getDescription()).contains(caller.getKey().name());
                });
            }
        }
        try (Strangers strangers = new Strangers(Identity.CONFIG_SVC)) {
            strangers.stubs(port(), ConfigAgentServiceBlockingStub.class).forEach(
                    (who, stranger) -> assertThat(catchThrowable(() -> stranger.stageConfig(stage))).as(who)
                                                                                                  .isInstanceOf(StatusRuntimeException.class));
        }
        assertThat(Files.exists(agent.root().resolve("nginx").resolve("staged").resolve("v-intruder"))).isFalse();
        assertThat(stub.getAgentStatus(GetAgentStatusRequest.getDefaultInstance()).getServerName()).isEqualTo("edge-7");
    }

    @Test
    void refusesBadInputs() {
        assertThat(code(() -> stub.stageConfig(StageConfigRequest.newBuilder().setKind(ConfigKind.CONFIG_KIND_NGINX)
                .setVersion("v-x").addFiles(file("../nginx.conf", "x")).build())))
                .isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(code(() -> stage("../escape", "x"))).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(code(() -> stub.stageConfig(StageConfigRequest.newBuilder().setKind(ConfigKind.CONFIG_KIND_JANUS)
                .setVersion("v-x").addFiles(file("janus.jcfg", "general: {}")).build())))
                .isEqualTo(ErrorCode.INVALID_CONFIG_TARGET);
        assertThat(code(() -> validate("v-never-staged"))).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(code(() -> activate("v-never-staged"))).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(Files.exists(root.resolve("nginx.conf"))).isFalse();
    }

    @Test
    void reportsItsStatusAndServesTheBasics() throws Exception {
        GetAgentStatusResponse status = stub.getAgentStatus(GetAgentStatusRequest.getDefaultInstance());
        assertThat(status.getServerName()).isEqualTo("edge-7");
        assertThat(status.getKindsList()).singleElement().satisfies(kind -> {
            assertThat(kind.getKind()).isEqualTo(ConfigKind.CONFIG_KIND_NGINX);
            assertThat(kind.getToolAvailable()).isTrue();
        });
        GrpcurlChecks.assertServesTheBasics(port(), Identity.CONFIG_SVC);
    }

    private static int port() {
        return Integer.parseInt(agent.endpoint().substring("127.0.0.1:".length()));
    }

    private static void activateNew(String version, String config) {
        stage(version, config);
        ValidateConfigResponse validated = validate(version);
        assertThat(validated.getOk()).as(validated.getToolOutput()).isTrue();
        assertThat(activate(version).getChanged()).isTrue();
    }

    private static StageConfigResponse stage(String version, String nginxConf) {
        return stub.stageConfig(StageConfigRequest.newBuilder().setKind(ConfigKind.CONFIG_KIND_NGINX)
                                                  .setVersion(version).addFiles(file("nginx.conf", nginxConf)).build());
    }

    private static ValidateConfigResponse validate(String version) {
        return stub.validateConfig(ValidateConfigRequest.newBuilder().setKind(ConfigKind.CONFIG_KIND_NGINX)
                                                        .setVersion(version).build());
    }

    private static ActivateConfigResponse activate(String version) {
        return stub.activateConfig(ActivateConfigRequest.newBuilder().setKind(ConfigKind.CONFIG_KIND_NGINX)
                                                        .setVersion(version).build());
    }

    private static RollbackConfigResponse rollback(String ifActive) {
        return stub.rollbackConfig(RollbackConfigRequest.newBuilder().setKind(ConfigKind.CONFIG_KIND_NGINX)
                                                        .setIfActiveVersion(ifActive).build());
    }

    private static GetActiveConfigResponse active() {
        return stub.getActiveConfig(GetActiveConfigRequest.newBuilder().setKind(ConfigKind.CONFIG_KIND_NGINX).build());
    }

    private static ConfigFile file(String name, String content) {
        return ConfigFile.newBuilder().setName(name).setContent(ByteString.copyFromUtf8(content)).build();
    }

    private static String digest(String nginxConf) {
        return RenderedConfig.digest(List.of(file("nginx.conf", nginxConf)));
    }

    private static ErrorCode code(Runnable call) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).isInstanceOf(StatusRuntimeException.class);
        return ErrorCatalog.reasonOf(thrown).orElseThrow(() -> new AssertionError("No reason in " + thrown));
    }

    private static Throwable catchThrowable(Runnable call) {
        try {
            call.run();
        } catch (Throwable t) {
            return t;
        }
        throw new AssertionError("The call succeeded");
    }

    /** A complete nginx.conf with relative paths (nginx -t resolves them under its own prefix). */
    static String nginxConf(int port, String extraServerLines) {
        return "worker_processes 1;\n" +
               "pid nginx.pid;\n" +
               "events { worker_connections 64; }\n" +
               "http {\n" +
               "    access_log off;\n" +
               "    server {\n" +
               "        listen 127.0.0.1:" + port + ";\n" +
               "        location / { return 200 \"ok\"; }\n" +
               extraServerLines +
               "    }\n" +
               "}\n";
    }
}
