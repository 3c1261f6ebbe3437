package io.mediamesh.config.apply;

import static io.mediamesh.api.v1.MediaServerRole.MEDIA_SERVER_ROLE_EDGE;
import static io.mediamesh.common.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import io.mediamesh.api.v1.ApplyEvent;
import io.mediamesh.api.v1.ApplyOutcome;
import io.mediamesh.api.v1.ApplyPolicy;
import io.mediamesh.api.v1.ApplySummary;
import io.mediamesh.api.v1.ConfigDocument;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.ConfigServiceGrpc.ConfigServiceBlockingStub;
import io.mediamesh.api.v1.CreateServerRequest;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.GetApplyRequest;
import io.mediamesh.api.v1.GetConfigRequest;
import io.mediamesh.api.v1.JanusConfig;
import io.mediamesh.api.v1.ListRevisionsRequest;
import io.mediamesh.api.v1.MediaServer;
import io.mediamesh.api.v1.PutConfigRequest;
import io.mediamesh.api.v1.RenderConfigRequest;
import io.mediamesh.api.v1.StartApply;
import io.mediamesh.config.ConfigKinds;
import io.mediamesh.config.testing.AgentProcess;
import io.mediamesh.config.testing.ApplyStream;
import io.mediamesh.config.testing.ConfigSvcFixture;
import io.mediamesh.config.testing.Servers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configs that cannot escape and secrets at rest, against config-svc and a real agent process: a
 * document whose free-form lines step outside a tool's allowlist is refused naming the directive,
 * with no revision written and nothing pushed to the agent; after applies, every file the agent
 * keeps is 0600 in 0700 folders; what the tools print about a failing document (in config-svc and
 * on the agent) never holds the document's secrets.
 */
class ConfinedConfigsTest {
    private static final String SERVER = "edge-confined";

    @RegisterExtension
    static final ConfigSvcFixture fixture = new ConfigSvcFixture();

    @TempDir
    static Path root;
    private static AgentProcess agent;
    private static String admin;
    private static long serverId;

    @BeforeAll
    static void startAnAgentWithFilesOfEveryKind() throws Exception {
        agent = AgentProcess.start(SERVER, root.resolve(SERVER),
                                   Map.of("config-svc.validation.coturn-trial", "1s"));
        admin = fixture.adminSession();
        MediaServer server = Servers.loopback(SERVER, MEDIA_SERVER_ROLE_EDGE).setAgentEndpoint(agent.endpoint())
                                    .build();
        serverId = fixture.servers(admin).createServer(CreateServerRequest.newBuilder().setServer(server).build())
                          .getServer().getId();
        for (ConfigKind kind : List.of(ConfigKind.CONFIG_KIND_NGINX, ConfigKind.CONFIG_KIND_JANUS,
                                       ConfigKind.CONFIG_KIND_COTURN)) {
            ApplySummary summary = apply(kind).summary();
            assertThat(summary.getOutcome()).as("%s: %s", kind, summary)
                                            .isEqualTo(ApplyOutcome.APPLY_OUTCOME_SUCCEEDED);
        }
    }

    @AfterAll
    static void stopTheAgent() throws InterruptedException {
        agent.close();
    }

    @Test
    void linesThatEscapeAreRefusedNamingTheDirectiveWithNoRevisionAndNothingPushed() throws Exception {
        Map<String, ConfigDocument> refused = Map.of(
                "alias", withExtraLine(ConfigKind.CONFIG_KIND_NGINX, "location /x/ { alias /; autoindex on; }"),
                "load_module", withExtraLine(ConfigKind.CONFIG_KIND_NGINX,
                                             "load_module /usr/lib/nginx/modules/ngx_stream_module.so;"),
                "include", withExtraLine(ConfigKind.CONFIG_KIND_NGINX, "include /etc/nginx/mime.types;"),
                "plugins_folder", withExtraLine(ConfigKind.CONFIG_KIND_JANUS,
                                                "general: { plugins_folder = \"/tmp\" }"),
                "psql-userdb", withExtraLine(ConfigKind.CONFIG_KIND_COTURN,
                                             "psql-userdb=\"host=127.0.0.1 dbname=coturn user=turn\""));
        for (Map.Entry<String, ConfigDocument> entry : refused.entrySet()) {
            assertRefusedWithNothingWritten(entry.getValue(), "uses \"" + entry.getKey() + '"');
        }
    }

    @Test
    void fieldsNamingFilesOutsideTheServersFoldersAreRefusedWithNoRevisionAndNothingPushed() throws Exception {
        assertRefusedWithNothingWritten(
                document(ConfigKind.CONFIG_KIND_NGINX, d -> d.setNginx(d.getNginx().toBuilder()
                                                                       .setErrorLog("/etc/cron.d/mediamesh"))),
                "error_log must be a path relative to the server's own folder or below /var/log/nginx/");
        assertRefusedWithNothingWritten(
                document(ConfigKind.CONFIG_KIND_NGINX, d -> d.setNginx(d.getNginx().toBuilder().setRecordingsRoot("/"))),
                "recordings_root must not be the root folder");
        assertRefusedWithNothingWritten(
                document(ConfigKind.CONFIG_KIND_COTURN, d -> d.setCoturn(d.getCoturn().toBuilder()
                                                                         .setPkey("/root/.ssh/id_ed25519"))),
                "pkey must be a path relative to the server's own folder or below /etc/ssl/ or /etc/letsencrypt/");
    }

    /** A put and a preview of {@code document} are refused naming the problem; nothing is stored or pushed. */
    private static void assertRefusedWithNothingWritten(ConfigDocument document, String expected) throws Exception {
        ConfigKind kind = ConfigKinds.of(document);
        Map<String, String> agentFiles = snapshot(agent.root());
        long revisions = revisionCount(kind);

        String message = assertFails(ErrorCode.CONFIG_RENDER_FAILED, () -> configs().putConfig(
                PutConfigRequest.newBuilder().setKind(kind).setRole(MEDIA_SERVER_ROLE_EDGE).setDocument(document)
                                .setMessage("escape").build()));
        assertThat(message).contains(expected).contains(SERVER);
        assertThat(assertFails(ErrorCode.CONFIG_RENDER_FAILED, () -> configs().renderConfig(
                RenderConfigRequest.newBuilder().setKind(kind).setServerId(serverId).setDraft(document).build())))
                .contains(expected);

        assertThat(revisionCount(kind)).as("revisions of %s", kind).isEqualTo(revisions);
        assertThat(snapshot(agent.root())).as("the agent's files").isEqualTo(agentFiles);
    }

    @Test
    void everyFileTheAgentKeepsIsReadableByItsUserOnly() throws Exception {
        assertThat(Files.readString(agent.activeFile("janus", "janus.jcfg"))).contains("admin_secret = \"");
        assertThat(Files.readString(agent.activeFile("coturn", "turnserver.conf"))).contains("static-auth-secret=");
        assertThat(Files.readString(agent.activeFile("nginx", "nginx.conf"))).contains("secure_link_md5");
        assertThat(mode(agent.root())).isEqualTo("rwx------");
        for (String kind : List.of("nginx", "janus", "coturn")) {
            try (Stream<Path> paths = Files.walk(agent.root().resolve(kind))) {
                for (Path path : paths.filter(path -> !Files.isSymbolicLink(path)).toList()) {
                    assertThat(mode(path)).as("mode of %s", path)
                                          .isEqualTo(Files.isDirectory(path) ? "rwx------" : "rw-------");
                }
            }
        }
    }

    @Test
    void whatTheToolsPrintAboutAFailingDocumentHoldsNoSecret() throws Exception {
        String turnPassword = "turn-pwd-" + UUID.randomUUID();
        // Janus prints its whole configuration, secrets included, at debug level 7, then dies on the
        // unknown cipher; the check reports the tail of its log. (SecretsTest: what is masked.)
        ConfigDocument leaky = document(ConfigKind.CONFIG_KIND_JANUS, d -> {
            JanusConfig.Builder janus = d.getJanusBuilder();
            janus.getGeneralBuilder().setDebugLevel(7);
            janus.getNatBuilder().setTurnServer("127.0.0.1").setTurnPort(3478).setTurnType("udp")
                 .setTurnUser("janus").setTurnPwd(turnPassword);
            janus.addExtraLines("certificates: { dtls_ciphers = \"NO-SUCH-CIPHER\" }");
            return d;
        });
        String adminSecret = leaky.getJanus().getGeneral().getAdminSecret();

        // config-svc's own check.
        String message = assertFails(ErrorCode.CONFIG_VALIDATION_FAILED, () -> configs().putConfig(
                PutConfigRequest.newBuilder().setKind(ConfigKind.CONFIG_KIND_JANUS).setRole(MEDIA_SERVER_ROLE_EDGE)
                                .setDocument(leaky).setMessage("leaky").build()));
        assertThat(message).contains("dtls_ciphers: NO-SUCH-CIPHER").contains("Error setting cipher list")
                           .doesNotContain(turnPassword).doesNotContain(adminSecret);

        // The agent's check, reported in the apply's events and audit record.
        configs().putConfig(PutConfigRequest.newBuilder().setKind(ConfigKind.CONFIG_KIND_JANUS)
                                            .setRole(MEDIA_SERVER_ROLE_EDGE).setDocument(leaky).setSkipValidation(true)
                                            .setMessage("leaky, unchecked").build());
        ApplyStream stream = apply(ConfigKind.CONFIG_KIND_JANUS);
        ApplySummary summary = stream.summary();
        assertThat(summary.getOutcome()).isNotEqualTo(ApplyOutcome.APPLY_OUTCOME_SUCCEEDED);
        String reported = summary + stream.events().stream().map(ApplyEvent::toString).toList().toString() +
                          fixture.applies(admin).getApply(GetApplyRequest.newBuilder().setApplyId(summary.getApplyId()).build());
        assertThat(reported).contains("Error setting cipher list")
                            .doesNotContain(turnPassword).doesNotContain(adminSecret);
    }

    private static ApplyStream apply(ConfigKind kind) {
        return ApplyStream.start(fixture.port(), admin, StartApply.newBuilder().setKind(kind)
                                                                  .addRoles(MEDIA_SERVER_ROLE_EDGE)
                                                                  .setPolicy(ApplyPolicy.APPLY_POLICY_ALL_OR_NOTHING)
                                                                  .build());
    }

    private static ConfigServiceBlockingStub configs() {
        return fixture.configs(admin);
    }

    /** The edge role's latest document of {@code kind}, changed. */
    private static ConfigDocument document(ConfigKind kind, UnaryOperator<ConfigDocument.Builder> change) {
        return change.apply(configs().getConfig(GetConfigRequest.newBuilder().setKind(kind)
                                                                .setRole(MEDIA_SERVER_ROLE_EDGE).build())
                                     .getRevision().getDocument().toBuilder()).build();
    }

    /** The edge role's latest document of {@code kind} with one more free-form line. */
    private static ConfigDocument withExtraLine(ConfigKind kind, String line) {
        return document(kind, d -> {
            switch (kind) {
                case CONFIG_KIND_NGINX -> d.getNginxBuilder().addExtraLines(line);
                case CONFIG_KIND_JANUS -> d.getJanusBuilder().addExtraLines(line);
                default -> d.getCoturnBuilder().addExtraLines(line);
            }
            return d;
        });
    }

    private static long revisionCount(ConfigKind kind) {
        return configs().listRevisions(ListRevisionsRequest.newBuilder().setKind(kind).setLimit(100).build())
                        .getRevisionsCount();
    }

    /** Every path below {@code folder}: a link's target, or a file's SHA-256. */
    private static Map<String, String> snapshot(Path folder) throws Exception {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.toList()) {
                String name = folder.relativize(path).toString();
                if (name.equals("agent.log")) {
                    continue;
                }
                if (Files.isSymbolicLink(path)) {
                    files.put(name, "-> " + Files.readSymbolicLink(path));
                } else if (Files.isRegularFile(path)) {
                    files.put(name, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                                                                          .digest(Files.readAllBytes(path))));
                } else {
                    files.put(name, "folder");
                }
            }
        }
        return files;
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }
}
