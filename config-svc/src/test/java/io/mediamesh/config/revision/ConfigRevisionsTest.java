package io.mediamesh.config.revision;

import static io.mediamesh.common.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import io.mediamesh.api.v1.ConfigDocument;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.ConfigRevision;
import io.mediamesh.api.v1.ConfigServiceGrpc.ConfigServiceBlockingStub;
import io.mediamesh.api.v1.CoturnConfig;
import io.mediamesh.api.v1.CreateServerRequest;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.GetConfigRequest;
import io.mediamesh.api.v1.GetRevisionRequest;
import io.mediamesh.api.v1.JanusConfig;
import io.mediamesh.api.v1.ListRevisionsRequest;
import io.mediamesh.api.v1.ListRevisionsResponse;
import io.mediamesh.api.v1.MediaServer;
import io.mediamesh.api.v1.MediaServerRole;
import io.mediamesh.api.v1.MediaServerServiceGrpc.MediaServerServiceBlockingStub;
import io.mediamesh.api.v1.NginxConfig;
import io.mediamesh.api.v1.PutConfigRequest;
import io.mediamesh.api.v1.PutConfigResponse;
import io.mediamesh.api.v1.RenderConfigRequest;
import io.mediamesh.api.v1.RenderConfigResponse;
import io.mediamesh.api.v1.RevertConfigRequest;
import io.mediamesh.config.ServerRoles;
import io.mediamesh.config.render.RenderedConfig;
import io.mediamesh.config.testing.ConfigSvcFixture;
import io.mediamesh.config.testing.Servers;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Config documents with history over real gRPC: defaults, writes as new revisions, history,
 * reverts, previews, and writes the real tools reject (nothing is stored then).
 */
class ConfigRevisionsTest {
    private static final ConfigKind NGINX = ConfigKind.CONFIG_KIND_NGINX;
    private static final ConfigKind JANUS = ConfigKind.CONFIG_KIND_JANUS;
    private static final ConfigKind COTURN = ConfigKind.CONFIG_KIND_COTURN;
    private static final MediaServerRole ORIGIN = MediaServerRole.MEDIA_SERVER_ROLE_ORIGIN;
    private static final MediaServerRole RELAY = MediaServerRole.MEDIA_SERVER_ROLE_RELAY;
    private static final MediaServerRole EDGE = MediaServerRole.MEDIA_SERVER_ROLE_EDGE;

    @RegisterExtension
    static final ConfigSvcFixture fixture = new ConfigSvcFixture();

    private static ConfigServiceBlockingStub admin;
    private static MediaServerServiceBlockingStub registry;

    @BeforeAll
    static void signIn() {
        String session = fixture.adminSession();
        admin = fixture.configs(session);
        registry = fixture.servers(session);
    }

    private static ConfigRevision latest(ConfigKind kind, MediaServerRole role) {
        return admin.getConfig(GetConfigRequest.newBuilder().setKind(kind).setRole(role).build()).getRevision();
    }

    /** The default a role started with: the three defaults of a kind are its revisions 1 to 3. */
    private static ConfigRevision original(ConfigKind kind, MediaServerRole role) {
        return admin.getConfig(GetConfigRequest.newBuilder().setKind(kind).setRole(role).setRevision(3).build())
                    .getRevision();
    }

    private static PutConfigResponse put(ConfigKind kind, MediaServerRole role, ConfigDocument document,
                                         String message) {
        return admin.putConfig(PutConfigRequest.newBuilder().setKind(kind).setRole(role).setDocument(document)
                                               .setMessage(message).build());
    }

    private static ConfigDocument nginx(NginxConfig nginx) {
        return ConfigDocument.newBuilder().setNginx(nginx).build();
    }

    @Test
    void everyKindAndRoleStartsWithADefaultThatRendersAndValidates() {
        for (ConfigKind kind : List.of(NGINX, JANUS, COTURN)) {
            for (MediaServerRole role : ServerRoles.ALL) {
                ConfigRevision revision = original(kind, role);
                assertThat(revision.getAuthor()).isEqualTo(DefaultDocuments.AUTHOR);
                assertThat(revision.getMessage()).isEqualTo(DefaultDocuments.MESSAGE);
                assertThat(revision.getDocument().getDocumentCase().name()).isEqualTo(kind.name().substring(12));
                // Writing it back puts it through render and the real tool.
                PutConfigResponse again = put(kind, role, revision.getDocument(), "default again");
                assertThat(again.getValidated()).as("%s %s validated", kind, role).isTrue();
                assertThat(again.getRevision().getRevision()).isGreaterThan(revision.getRevision());
            }
        }
        // A restart writes no second default.
        long before = latest(JANUS, EDGE).getRevision();
        fixture.configSvc().bootstrapDefaults();
        assertThat(latest(JANUS, EDGE).getRevision()).isEqualTo(before);
    }

    @Test
    void defaultSecretsAreRandomPerRole() {
        JanusConfig origin = original(JANUS, ORIGIN).getDocument().getJanus();
        JanusConfig relay = original(JANUS, RELAY).getDocument().getJanus();
        assertThat(origin.getGeneral().getAdminSecret()).hasSizeGreaterThanOrEqualTo(32)
                                                        .isNotEqualTo(relay.getGeneral().getAdminSecret());
        assertThat(origin.getVideoroom().getAdminKey()).isNotEqualTo(origin.getStreaming().getAdminKey());
    }

    @Test
    void writesAreNewRevisionsWithAuthorAndHistoryNewestFirst() {
        NginxConfig base = latest(NGINX, RELAY).getDocument().getNginx();
        List<Long> written = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            PutConfigResponse response = put(NGINX, RELAY, nginx(base.toBuilder().setClientMaxBodySize(i + "m")
                                                                      .build()), "body size " + i);
            assertThat(response.getValidated()).isTrue();
            assertThat(response.getRevision().getAuthor()).isEqualTo(ConfigSvcFixture.ADMIN);
            assertThat(response.getRevision().getMessage()).isEqualTo("body size " + i);
            assertThat(response.getRevision().getDocument().getNginx().getClientMaxBodySize()).isEqualTo(i + "m");
            written.add(response.getRevision().getRevision());
        }
        assertThat(written).isSorted().doesNotHaveDuplicates();
        assertThat(latest(NGINX, RELAY).getRevision()).isEqualTo(written.get(2));

        // History, newest first, in pages of two, without documents unless asked.
        List<ConfigRevision> history = new ArrayList<>();
        String cursor = "";
        do {
            ListRevisionsResponse page = admin.listRevisions(ListRevisionsRequest.newBuilder().setKind(NGINX)
                    .setRole(RELAY).setLimit(2).setCursor(cursor).build());
            history.addAll(page.getRevisionsList());
            cursor = page.getNextCursor();
        } while (!cursor.isEmpty());
        assertThat(history).extracting(ConfigRevision::getRevision).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        assertThat(history.subList(0, 3)).extracting(ConfigRevision::getMessage)
                                         .containsExactly("body size 3", "body size 2", "body size 1");
        assertThat(history).allMatch(revision -> !revision.hasDocument());
        assertThat(history.get(history.size() - 1).getAuthor()).isEqualTo(DefaultDocuments.AUTHOR);
        ListRevisionsResponse withDocuments = admin.listRevisions(ListRevisionsRequest.newBuilder().setKind(NGINX)
                .setRole(RELAY).setLimit(1).setIncludeDocuments(true).build());
        assertThat(withDocuments.getRevisions(0).getDocument().getNginx().getClientMaxBodySize()).isEqualTo("3m");

        // Any old revision reads back as written; "at revision N" is the latest at or before N.
        ConfigRevision first = admin.getRevision(GetRevisionRequest.newBuilder().setKind(NGINX).setRole(RELAY)
                                                                   .setRevision(written.get(0)).build()).getRevision();
        assertThat(first.getDocument().getNginx().getClientMaxBodySize()).isEqualTo("1m");
        assertThat(admin.getConfig(GetConfigRequest.newBuilder().setKind(NGINX).setRole(RELAY)
                                                   .setRevision(written.get(1)).build()).getRevision().getRevision())
                .isEqualTo(written.get(1));
    }

    @Test
    void revisionsAreOneSequencePerKindSharedByItsRoles() {
        long origin = put(COTURN, ORIGIN, latest(COTURN, ORIGIN).getDocument(), "o").getRevision().getRevision();
        long edge = put(COTURN, EDGE, latest(COTURN, EDGE).getDocument(), "e").getRevision().getRevision();
        assertThat(edge).isEqualTo(origin + 1);
        // Role edge "at revision origin" is its latest revision before that number.
        ConfigRevision edgeAtOrigin = admin.getConfig(GetConfigRequest.newBuilder().setKind(COTURN).setRole(EDGE)
                                                                      .setRevision(origin).build()).getRevision();
        assertThat(edgeAtOrigin.getRevision()).isLessThan(origin);
        assertFails(ErrorCode.REVISION_NOT_FOUND, () -> admin.getRevision(GetRevisionRequest.newBuilder()
                .setKind(COTURN).setRole(EDGE).setRevision(origin).build()));
    }

    @Test
    void concurrentWritesGetDistinctConsecutiveRevisions() throws Exception {
        ConfigDocument document = latest(JANUS, ORIGIN).getDocument();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Long>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                MediaServerRole role = ServerRoles.ALL.get(i % 3);
                futures.add(pool.submit(() -> admin.putConfig(PutConfigRequest.newBuilder().setKind(JANUS)
                        .setRole(role).setDocument(document).setSkipValidation(true).build())
                                                   .getRevision().getRevision()));
            }
            Set<Long> numbers = new HashSet<>();
            for (Future<Long> future : futures) {
                numbers.add(future.get());
            }
            assertThat(numbers).hasSize(8);
            assertThat(numbers.stream().mapToLong(Long::longValue).max().getAsLong() -
                       numbers.stream().mapToLong(Long::longValue).min().getAsLong()).isEqualTo(7);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void revertWritesANewRevisionEqualToTheOldOne() {
        ConfigRevision original = latest(COTURN, RELAY);
        CoturnConfig changed = original.getDocument().getCoturn().toBuilder().setRealm("changed.example").build();
        ConfigRevision edit = put(COTURN, RELAY, ConfigDocument.newBuilder().setCoturn(changed).build(), "realm")
                .getRevision();

        ConfigRevision reverted = admin.revertConfig(RevertConfigRequest.newBuilder().setKind(COTURN).setRole(RELAY)
                .setRevision(original.getRevision()).build()).getRevision();
        assertThat(reverted.getRevision()).isGreaterThan(edit.getRevision());
        assertThat(reverted.getRevertedFrom()).isEqualTo(original.getRevision());
        assertThat(reverted.getDocument()).isEqualTo(original.getDocument());
        assertThat(reverted.getMessage()).isEqualTo("revert to " + original.getRevision());
        assertThat(reverted.getAuthor()).isEqualTo(ConfigSvcFixture.ADMIN);
        assertThat(latest(COTURN, RELAY)).isEqualTo(reverted);
        // Nothing was rewritten: the edit is still in the history as it was.
        assertThat(admin.getRevision(GetRevisionRequest.newBuilder().setKind(COTURN).setRole(RELAY)
                .setRevision(edit.getRevision()).build()).getRevision()).isEqualTo(edit);
    }

    @Test
    void revertToAMissingRevisionIsNotFoundAndWritesNothing() {
        long before = latest(COTURN, ORIGIN).getRevision();
        assertFails(ErrorCode.REVISION_NOT_FOUND, () -> admin.revertConfig(RevertConfigRequest.newBuilder()
                .setKind(COTURN).setRole(ORIGIN).setRevision(999_999).build()));
        // A revision of another role is not one of this role's.
        long relayRevision = latest(COTURN, RELAY).getRevision();
        assertFails(ErrorCode.REVISION_NOT_FOUND, () -> admin.revertConfig(RevertConfigRequest.newBuilder()
                .setKind(COTURN).setRole(ORIGIN).setRevision(relayRevision).build()));
        assertFails(ErrorCode.INVALID_ID, () -> admin.revertConfig(RevertConfigRequest.newBuilder()
                .setKind(COTURN).setRole(ORIGIN).setRevision(0).build()));
        assertThat(latest(COTURN, ORIGIN).getRevision()).isEqualTo(before);
    }

    @Test
    void aConfigNginxRejectsIsRefusedWithTheToolsMessageAndNotStored() {
        ConfigRevision before = latest(NGINX, EDGE);
        NginxConfig bad = before.getDocument().getNginx().toBuilder().addExtraLines("keepalive_timeout forever;").build();
        String message = assertFails(ErrorCode.CONFIG_VALIDATION_FAILED,
                                     () -> put(NGINX, EDGE, nginx(bad), "broken"));
        assertThat(message).contains("\"keepalive_timeout\" directive invalid value").contains("test failed");
        assertThat(latest(NGINX, EDGE)).isEqualTo(before);
    }

    @Test
    void janusAndCoturnRejectionsCarryTheirToolsMessage() {
        ConfigRevision janusBefore = latest(JANUS, EDGE);
        // Lines on the allowlist (an allowed setting), with a value only the tool finds wrong.
        JanusConfig.Builder badJanus = janusBefore.getDocument().getJanus().toBuilder();
        badJanus.getHttpBuilder().addExtraLines("mhd_connection_limit = 12abc");
        assertThat(assertFails(ErrorCode.CONFIG_VALIDATION_FAILED, () -> put(
                JANUS, EDGE, ConfigDocument.newBuilder().setJanus(badJanus).build(), "broken")))
                .contains("janus.transport.http.jcfg").contains("Error parsing config file at line");
        assertThat(latest(JANUS, EDGE)).isEqualTo(janusBefore);

        ConfigRevision coturnBefore = latest(COTURN, EDGE);
        CoturnConfig badCoturn = coturnBefore.getDocument().getCoturn().toBuilder()
                                             .addExtraLines("allocation-default-address-family=banana").build();
        assertThat(assertFails(ErrorCode.CONFIG_VALIDATION_FAILED, () -> put(
                COTURN, EDGE, ConfigDocument.newBuilder().setCoturn(badCoturn).build(), "broken")))
                .contains("invalid allocation_default_address_family");
        assertThat(latest(COTURN, EDGE)).isEqualTo(coturnBefore);
    }

    @Test
    void aDocumentThatDoesNotRenderForARegisteredServerIsRefused() {
        MediaServer named = registry.createServer(CreateServerRequest.newBuilder().setServer(
                Servers.loopback("render-named-relay", RELAY).setInternalAddress("relay.internal.example")
                       .setRelayGroup("render-group")).build()).getServer();
        ConfigRevision before = latest(COTURN, RELAY);
        // coturn needs IPs; this server only has a host name.
        String message = assertFails(ErrorCode.CONFIG_RENDER_FAILED,
                                     () -> put(COTURN, RELAY, before.getDocument(), "needs ips"));
        assertThat(message).contains("render-named-relay").contains("listening_ips");
        assertThat(latest(COTURN, RELAY)).isEqualTo(before);
        // Naming IPs in the document fixes it.
        CoturnConfig withIps = before.getDocument().getCoturn().toBuilder().addListeningIps("127.0.0.1")
                                     .addRelayIps("127.0.0.1").setExternalIp("127.0.0.1").build();
        assertThat(put(COTURN, RELAY, ConfigDocument.newBuilder().setCoturn(withIps).build(), "ips")
                .getValidated()).isTrue();
        registry.deleteServer(io.mediamesh.api.v1.DeleteServerRequest.newBuilder().setServerId(named.getId())
                                                                    .build());

        ConfigRevision nginxBefore = latest(NGINX, ORIGIN);
        NginxConfig lineBreak = nginxBefore.getDocument().getNginx().toBuilder()
                                           .addExtraLines("add_header X-A 1;\nadd_header X-B 2;").build();
        assertThat(assertFails(ErrorCode.CONFIG_RENDER_FAILED, () -> put(NGINX, ORIGIN, nginx(lineBreak), "x")))
                .contains("extra_lines[0]");
        assertThat(latest(NGINX, ORIGIN)).isEqualTo(nginxBefore);
    }

    @Test
    void badTargetsAndDocumentsAreInvalid() {
        ConfigDocument document = latest(NGINX, ORIGIN).getDocument();
        assertFails(ErrorCode.INVALID_CONFIG_TARGET, () -> admin.putConfig(PutConfigRequest.newBuilder()
                .setKindValue(9).setRole(ORIGIN).setDocument(document).build()));
        assertFails(ErrorCode.INVALID_CONFIG_TARGET, () -> admin.putConfig(PutConfigRequest.newBuilder()
                .setKind(NGINX).setDocument(document).build()));
        assertFails(ErrorCode.INVALID_CONFIG_TARGET, () -> admin.getConfig(GetConfigRequest.newBuilder()
                .setKind(ConfigKind.CONFIG_KIND_UNSPECIFIED).setRole(ORIGIN).build()));
        assertFails(ErrorCode.INVALID_CONFIG_TARGET, () -> admin.listRevisions(ListRevisionsRequest.newBuilder()
                .setKind(NGINX).setRoleValue(8).build()));
        assertFails(ErrorCode.INVALID_REQUEST, () -> put(JANUS, ORIGIN, document, "nginx under janus"));
        assertFails(ErrorCode.MISSING_FIELD, () -> put(JANUS, ORIGIN, ConfigDocument.getDefaultInstance(), "none"));
        assertFails(ErrorCode.INVALID_REQUEST, () -> put(NGINX, ORIGIN, document, "m".repeat(1001)));
        assertFails(ErrorCode.INVALID_PAGINATION, () -> admin.listRevisions(ListRevisionsRequest.newBuilder()
                .setKind(NGINX).setLimit(101).build()));
    }

    @Test
    void renderPreviewsOneServersFiles() {
        MediaServer server = registry.createServer(CreateServerRequest.newBuilder().setServer(
                Servers.loopback("preview-edge", EDGE)).build()).getServer();
        RenderConfigResponse preview = admin.renderConfig(RenderConfigRequest.newBuilder().setKind(NGINX)
                                                                             .setServerId(server.getId()).build());
        assertThat(preview.getRevision()).isEqualTo(latest(NGINX, EDGE).getRevision());
        assertThat(preview.getFilesList()).extracting(f -> f.getName()).containsExactly("nginx.conf");
        assertThat(preview.getSha256()).isEqualTo(RenderedConfig.digest(preview.getFilesList())).hasSize(64);
        assertThat(preview.getVersion()).isEqualTo("r" + preview.getRevision() + '-' +
                                                   preview.getSha256().substring(0, 12));
        assertThat(preview.getFiles(0).getContent().toStringUtf8())
                .contains("listen " + server.getOverrides().getNginxListenPort() + ";")
                .contains("server 127.0.0.1:" + server.getOverrides().getJanusHttpPort() + ";");

        RenderConfigResponse janus = admin.renderConfig(RenderConfigRequest.newBuilder().setKind(JANUS)
                                                                           .setServerId(server.getId()).build());
        assertThat(janus.getFilesList()).extracting(f -> f.getName()).containsExactly(
                "janus.eventhandler.sampleevh.jcfg", "janus.jcfg", "janus.plugin.streaming.jcfg",
                "janus.plugin.textroom.jcfg", "janus.plugin.videoroom.jcfg", "janus.transport.http.jcfg");

        ConfigDocument draft = ConfigDocument.newBuilder().setNginx(latest(NGINX, EDGE).getDocument().getNginx()
                .toBuilder().setServerName("draft.example")).build();
        RenderConfigResponse drafted = admin.renderConfig(RenderConfigRequest.newBuilder().setKind(NGINX)
                .setServerId(server.getId()).setDraft(draft).build());
        assertThat(drafted.getRevision()).isZero();
        assertThat(drafted.getFiles(0).getContent().toStringUtf8()).contains("server_name draft.example;");

        assertFails(ErrorCode.SERVER_NOT_FOUND, () -> admin.renderConfig(RenderConfigRequest.newBuilder()
                .setKind(NGINX).setServerId(987_654).build()));
        assertFails(ErrorCode.INVALID_ID, () -> admin.renderConfig(RenderConfigRequest.newBuilder()
                .setKind(NGINX).build()));
        assertFails(ErrorCode.REVISION_NOT_FOUND, () -> admin.renderConfig(RenderConfigRequest.newBuilder()
                .setKind(NGINX).setServerId(server.getId()).setRevision(1).build()));
    }

    @Test
    void onlyAdminsReadAndWriteAndMediaSvcReadsJanusNginxAndCoturn() {
        ConfigDocument document = latest(NGINX, ORIGIN).getDocument();
        PutConfigRequest write = PutConfigRequest.newBuilder().setKind(NGINX).setRole(ORIGIN).setDocument(document)
                                                 .build();
        GetConfigRequest readNginx = GetConfigRequest.newBuilder().setKind(NGINX).setRole(ORIGIN).build();
        GetConfigRequest readJanus = GetConfigRequest.newBuilder().setKind(JANUS).setRole(ORIGIN).build();
        assertFails(ErrorCode.UNAUTHENTICATED, () -> fixture.configs(null).putConfig(write));
        assertFails(ErrorCode.UNAUTHENTICATED, () -> fixture.configs(null).getConfig(readJanus));
        ConfigServiceBlockingStub user = fixture.configs(fixture.userSession("configs_user"));
        assertFails(ErrorCode.PERMISSION_DENIED, () -> user.putConfig(write));
        assertFails(ErrorCode.PERMISSION_DENIED, () -> user.getConfig(readNginx));
        assertFails(ErrorCode.PERMISSION_DENIED, () -> user.getConfig(readJanus));
        ConfigServiceBlockingStub mediaSvc = fixture.asService(ConfigServiceBlockingStub.class);
        assertThat(mediaSvc.getConfig(readJanus).getRevision().getDocument().hasJanus()).isTrue();
        // The recordings secret, which media-svc signs links with.
        assertThat(mediaSvc.getConfig(readNginx).getRevision().getDocument().getNginx().getRecordingsSecret())
                .isNotEmpty();
        // The static auth secret, which media-svc signs TURN credentials with.
        GetConfigRequest readCoturn = readNginx.toBuilder().setKind(ConfigKind.CONFIG_KIND_COTURN).build();
        assertThat(mediaSvc.getConfig(readCoturn).getRevision().getDocument().getCoturn().getStaticAuthSecret())
                .isNotEmpty();
        assertFails(ErrorCode.PERMISSION_DENIED, () -> user.getConfig(readCoturn));
        // Writing takes an admin's session, which only the gateway (or an operator) carries.
        assertFails(ErrorCode.PERMISSION_DENIED, () -> mediaSvc.putConfig(write));
    }
}
