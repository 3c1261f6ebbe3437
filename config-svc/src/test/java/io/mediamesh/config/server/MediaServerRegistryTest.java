package io.mediamesh.config.server;

import static io.mediamesh.common.testing.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import io.mediamesh.api.v1.CreateServerRequest;
import io.mediamesh.api.v1.DeleteServerRequest;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.GetServerRequest;
import io.mediamesh.api.v1.ListServersRequest;
import io.mediamesh.api.v1.ListServersResponse;
import io.mediamesh.api.v1.MediaServer;
import io.mediamesh.api.v1.MediaServerRole;
import io.mediamesh.api.v1.MediaServerServiceGrpc.MediaServerServiceBlockingStub;
import io.mediamesh.api.v1.PortRange;
import io.mediamesh.api.v1.ServerStatus;
import io.mediamesh.api.v1.UpdateServerRequest;
import io.mediamesh.config.testing.ConfigSvcFixture;
import io.mediamesh.config.testing.Servers;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The media-server registry over real gRPC: CRUD, filters, and every bad input the issue names. */
class MediaServerRegistryTest {
    private static final MediaServerRole ORIGIN = MediaServerRole.MEDIA_SERVER_ROLE_ORIGIN;
    private static final MediaServerRole RELAY = MediaServerRole.MEDIA_SERVER_ROLE_RELAY;
    private static final MediaServerRole EDGE = MediaServerRole.MEDIA_SERVER_ROLE_EDGE;

    @RegisterExtension
    static final ConfigSvcFixture fixture = new ConfigSvcFixture();

    private static MediaServerServiceBlockingStub admin;

    @BeforeAll
    static void signIn() {
        admin = fixture.servers(fixture.adminSession());
    }

    private static MediaServer create(MediaServer.Builder server) {
        return admin.createServer(CreateServerRequest.newBuilder().setServer(server).build()).getServer();
    }

    private static MediaServer get(long id) {
        return admin.getServer(GetServerRequest.newBuilder().setServerId(id).build()).getServer();
    }

    @Test
    void createGetUpdateAndDelete() {
        MediaServer created = create(Servers.loopback("crud-origin", ORIGIN));
        assertThat(created.getId()).isPositive();
        assertThat(created.getStatus()).isEqualTo(ServerStatus.SERVER_STATUS_UNKNOWN);
        assertThat(created.hasLastCheckedAt()).isFalse();
        assertThat(created.getCreatedAt()).isEqualTo(created.getUpdatedAt());
        assertThat(get(created.getId())).isEqualTo(created);

        MediaServer.Builder changed = created.toBuilder().setPublicAddress("2001:db8::5").setEnabled(false)
                                             .setOverrides(created.getOverrides().toBuilder()
                                                                  .setJanusRtpPortRange(range(40000, 40100)));
        MediaServer updated = admin.updateServer(UpdateServerRequest.newBuilder().setServerId(created.getId())
                                                                    .setServer(changed).build()).getServer();
        assertThat(updated.getPublicAddress()).isEqualTo("2001:db8::5");
        assertThat(updated.getEnabled()).isFalse();
        assertThat(updated.getOverrides().getJanusRtpPortRange()).isEqualTo(range(40000, 40100));
        assertThat(updated.getCreatedAt()).isEqualTo(created.getCreatedAt());
        assertThat(get(created.getId())).isEqualTo(updated);

        admin.deleteServer(DeleteServerRequest.newBuilder().setServerId(created.getId()).build());
        assertFails(ErrorCode.SERVER_NOT_FOUND, () -> get(created.getId()));
        assertFails(ErrorCode.SERVER_NOT_FOUND,
                    () -> admin.deleteServer(DeleteServerRequest.newBuilder().setServerId(created.getId()).build()));
    }

    @Test
    void updateIsAFullReplacementAndOutputFieldsAreIgnored() {
        MediaServer created = create(Servers.loopback("replace-edge", EDGE)
                                            .setStatus(ServerStatus.SERVER_STATUS_HEALTHY).setId(999_999));
        assertThat(created.getStatus()).isEqualTo(ServerStatus.SERVER_STATUS_UNKNOWN);
        assertThat(created.getId()).isNotEqualTo(999_999);
        // An update that leaves out the overrides clears them, as a PUT does.
        MediaServer updated = admin.updateServer(UpdateServerRequest.newBuilder().setServerId(created.getId())
                .setServer(created.toBuilder().clearOverrides().clearId()).build()).getServer();
        assertThat(updated.getOverrides().getJanusHttpPort()).isZero();
        assertFails(ErrorCode.INVALID_REQUEST, () -> admin.updateServer(UpdateServerRequest.newBuilder()
                .setServerId(created.getId()).setServer(created.toBuilder().setId(created.getId() + 1)).build()));
    }

    @Test
    void endpointsAreDerivedFromTheServerAndItsRoleDocuments() {
        MediaServer server = create(Servers.loopback("endpoints-relay", RELAY));
        int http = server.getOverrides().getJanusHttpPort();
        assertThat(server.getEndpoints().getJanusApiUrl()).isEqualTo("http://127.0.0.1:" + http + "/janus");
        assertThat(server.getEndpoints().getJanusAdminUrl())
                .isEqualTo("http://127.0.0.1:" + server.getOverrides().getJanusAdminPort() + "/admin");
        // The default nginx document proxies /janus, so clients go through nginx's port.
        assertThat(server.getEndpoints().getPublicJanusUrl())
                .isEqualTo("http://127.0.0.1:" + server.getOverrides().getNginxListenPort() + "/janus");
        assertThat(server.getEndpoints().getRecordingsUrl())
                .isEqualTo("http://127.0.0.1:" + server.getOverrides().getNginxListenPort() + "/recordings/");
        assertThat(server.getEndpoints().getJanusRecDir()).isEqualTo(server.getOverrides().getJanusRecDir());
        assertThat(server.getEndpoints().getStreamingRtpPortRange()).isEqualTo(range(10000, 10999));
    }

    @Test
    void listFiltersByRoleGroupEnabledAndHealthAndPages() {
        MediaServer o = create(Servers.loopback("list-origin", ORIGIN));
        MediaServer r1 = create(Servers.loopback("list-relay-a", RELAY).setRelayGroup("list-a"));
        MediaServer e1 = create(Servers.loopback("list-edge-a", EDGE).setRelayGroup("list-a"));
        MediaServer e2 = create(Servers.loopback("list-edge-b", EDGE).setRelayGroup("list-b").setEnabled(false));
        MediaServerRepository repository = new MediaServerRepository(fixture.database().dsl());
        assertThat(repository.updateStatus(e1.getId(), ServerStatus.SERVER_STATUS_HEALTHY, "", Instant.now()))
                .isTrue();

        assertThat(names(ListServersRequest.newBuilder().setRelayGroup("list-a")))
                .containsExactly("list-edge-a", "list-relay-a");
        assertThat(names(ListServersRequest.newBuilder().setRole(EDGE).setRelayGroup("list-a")))
                .containsExactly("list-edge-a");
        assertThat(names(ListServersRequest.newBuilder().setRole(EDGE).setEnabled(false)))
                .contains("list-edge-b").doesNotContain("list-edge-a");
        assertThat(names(ListServersRequest.newBuilder().setHealthy(true))).containsExactly("list-edge-a");
        assertThat(names(ListServersRequest.newBuilder().setRole(ORIGIN))).contains("list-origin")
                .doesNotContain("list-relay-a");
        MediaServer healthy = get(e1.getId());
        assertThat(healthy.getStatus()).isEqualTo(ServerStatus.SERVER_STATUS_HEALTHY);
        assertThat(healthy.hasLastCheckedAt()).isTrue();

        // Pages of one, newest first, cover every server exactly once.
        List<Long> ids = new java.util.ArrayList<>();
        String cursor = "";
        do {
            ListServersResponse page = admin.listServers(ListServersRequest.newBuilder().setLimit(1)
                                                                           .setCursor(cursor).build());
            page.getServersList().forEach(s -> ids.add(s.getId()));
            cursor = page.getNextCursor();
        } while (!cursor.isEmpty());
        assertThat(ids).contains(o.getId(), r1.getId(), e1.getId(), e2.getId()).doesNotHaveDuplicates();
        assertThat(ids).isSortedAccordingTo(java.util.Comparator.reverseOrder());

        assertFails(ErrorCode.INVALID_PAGINATION, () -> admin.listServers(
                ListServersRequest.newBuilder().setLimit(501).build()));
        assertFails(ErrorCode.INVALID_REQUEST, () -> admin.listServers(
                ListServersRequest.newBuilder().setRoleValue(42).build()));
    }

    @Test
    void badFieldsAreRejectedWithTheirCodeAndNothingIsStored() {
        assertFails(ErrorCode.MISSING_FIELD, () -> create(Servers.loopback("", ORIGIN)));
        assertFails(ErrorCode.INVALID_SERVER, () -> create(Servers.loopback("bad name!", ORIGIN)));
        assertFails(ErrorCode.INVALID_SERVER, () -> create(Servers.loopback("x".repeat(65), ORIGIN)));
        assertFails(ErrorCode.MISSING_FIELD,
                    () -> create(Servers.loopback("bad-role", ORIGIN).setRole(MediaServerRole.MEDIA_SERVER_ROLE_UNSPECIFIED)));
        assertFails(ErrorCode.INVALID_SERVER, () -> create(Servers.loopback("bad-role", ORIGIN).setRoleValue(7)));
        for (String address : List.of("300.1.1.1", "1.2.3", "host name", "-leading.example", "a..b", "exa_mple.com",
                                      "1.2.3.4:80", "[::1]", "::1::2", "fe80::1%eth0", "x".repeat(64) + ".com")) {
            String message = assertFails(ErrorCode.INVALID_ADDRESS,
                                         () -> create(Servers.loopback("bad-address", EDGE).setPublicAddress(address)));
            assertThat(message).contains("public_address");
            assertFails(ErrorCode.INVALID_ADDRESS,
                        () -> create(Servers.loopback("bad-address", EDGE).setInternalAddress(address)));
        }
        assertFails(ErrorCode.MISSING_FIELD, () -> create(Servers.loopback("no-address", EDGE).setPublicAddress("")));
        for (String endpoint : List.of("127.0.0.1", "127.0.0.1:0", "127.0.0.1:65536", "::1:9000", "host:port",
                                       ":9000", "[127.0.0.1]:9000")) {
            assertFails(ErrorCode.INVALID_ADDRESS,
                        () -> create(Servers.loopback("bad-agent", EDGE).setAgentEndpoint(endpoint)));
        }
        assertFails(ErrorCode.MISSING_FIELD, () -> create(Servers.loopback("no-agent", EDGE).setAgentEndpoint("")));
        String relay = assertFails(ErrorCode.INVALID_SERVER,
                                   () -> create(Servers.loopback("groupless-relay", RELAY).setRelayGroup("")));
        assertThat(relay).contains("relay_group");
        assertFails(ErrorCode.INVALID_SERVER,
                    () -> create(Servers.loopback("groupless-edge", EDGE).setRelayGroup("")));
        assertFails(ErrorCode.INVALID_SERVER,
                    () -> create(Servers.loopback("grouped-origin", ORIGIN).setRelayGroup("g1")));
        assertFails(ErrorCode.INVALID_SERVER, () -> create(Servers.loopback("bad-port", EDGE).setOverrides(
                Servers.overrides(900).toBuilder().setJanusHttpPort(70000))));
        assertFails(ErrorCode.INVALID_SERVER, () -> create(Servers.loopback("same-ports", EDGE).setOverrides(
                Servers.overrides(901).toBuilder().setNginxListenPort(Servers.overrides(901).getJanusHttpPort()))));
        assertFails(ErrorCode.INVALID_SERVER, () -> create(Servers.loopback("bad-range", EDGE).setOverrides(
                Servers.overrides(902).toBuilder().setCoturnRelayPortRange(range(50000, 49000)))));
        assertFails(ErrorCode.INVALID_SERVER, () -> create(Servers.loopback("bad-dir", EDGE).setOverrides(
                Servers.overrides(903).toBuilder().setJanusRecDir("relative/dir"))));
        assertFails(ErrorCode.INVALID_SERVER, () -> create(Servers.loopback("bad-dir", EDGE).setOverrides(
                Servers.overrides(904).toBuilder().setJanusRecDir("/srv/../etc"))));

        assertThat(names(ListServersRequest.newBuilder()))
                .noneMatch(name -> name.startsWith("bad") || name.startsWith("groupless") ||
                                   name.startsWith("grouped") || name.startsWith("no-") || name.equals("same-ports"));
    }

    @Test
    void addressesMayBeIpv4Ipv6OrHostNames() {
        MediaServer v6 = create(Servers.loopback("v6-edge", EDGE).setPublicAddress("2001:db8::1")
                                       .setInternalAddress("::1").setAgentEndpoint("[::1]:39001"));
        assertThat(v6.getEndpoints().getJanusApiUrl()).startsWith("http://[::1]:");
        MediaServer named = create(Servers.loopback("named-edge", EDGE).setPublicAddress("edge-1.media.example.com")
                                          .setInternalAddress("localhost").setAgentEndpoint("localhost:39002"));
        assertThat(named.getEndpoints().getPublicJanusUrl()).startsWith("http://edge-1.media.example.com:");
    }

    @Test
    void duplicatesAreRefusedAsAlreadyExistingAndTheFirstStaysIntact() {
        MediaServer first = create(Servers.loopback("dup-origin", ORIGIN));
        String name = assertFails(ErrorCode.SERVER_ALREADY_EXISTS,
                                  () -> create(Servers.loopback("DUP-ORIGIN", ORIGIN)));
        assertThat(name).contains("DUP-ORIGIN");
        // Same addresses and the same ports: the second would collide with the first on the host.
        String address = assertFails(ErrorCode.SERVER_ALREADY_EXISTS, () -> create(
                Servers.loopback("dup-address", ORIGIN).setOverrides(first.getOverrides())));
        assertThat(address).contains("127.0.0.1");
        assertFails(ErrorCode.SERVER_ALREADY_EXISTS, () -> create(
                Servers.loopback("dup-agent", ORIGIN).setAgentEndpoint(first.getAgentEndpoint())));
        // Same address, other ports: fine, as in the loopback demo.
        create(Servers.loopback("dup-address-other-ports", ORIGIN));

        MediaServer second = create(Servers.loopback("dup-second", EDGE));
        assertFails(ErrorCode.SERVER_ALREADY_EXISTS, () -> admin.updateServer(UpdateServerRequest.newBuilder()
                .setServerId(second.getId()).setServer(second.toBuilder().setName("dup-origin")).build()));
        assertThat(get(second.getId())).isEqualTo(second);
        assertThat(get(first.getId())).isEqualTo(first);
    }

    @Test
    void unknownAndMalformedIdsAreNotFoundOrInvalid() {
        assertFails(ErrorCode.SERVER_NOT_FOUND, () -> get(987_654_321));
        assertFails(ErrorCode.INVALID_ID, () -> get(0));
        assertFails(ErrorCode.INVALID_ID, () -> get(-4));
        assertFails(ErrorCode.SERVER_NOT_FOUND, () -> admin.updateServer(UpdateServerRequest.newBuilder()
                .setServerId(987_654_321).setServer(Servers.loopback("ghost", ORIGIN)).build()));
        assertFails(ErrorCode.INVALID_ID,
                    () -> admin.deleteServer(DeleteServerRequest.newBuilder().setServerId(0).build()));
    }

    @Test
    void onlyAdminsManageTheRegistryAndServicesMayRead() {
        MediaServer server = create(Servers.loopback("auth-origin", ORIGIN));
        CreateServerRequest create = CreateServerRequest.newBuilder()
                                                        .setServer(Servers.loopback("auth-new", ORIGIN)).build();
        GetServerRequest read = GetServerRequest.newBuilder().setServerId(server.getId()).build();

        MediaServerServiceBlockingStub anonymous = fixture.servers(null);
        assertFails(ErrorCode.UNAUTHENTICATED, () -> anonymous.createServer(create));
        assertFails(ErrorCode.UNAUTHENTICATED, () -> anonymous.getServer(read));
        MediaServerServiceBlockingStub forged = fixture.servers("not-a-session");
        assertFails(ErrorCode.UNAUTHENTICATED, () -> forged.listServers(ListServersRequest.getDefaultInstance()));

        MediaServerServiceBlockingStub user = fixture.servers(fixture.userSession("registry_user"));
        assertFails(ErrorCode.PERMISSION_DENIED, () -> user.createServer(create));
        assertFails(ErrorCode.PERMISSION_DENIED, () -> user.getServer(read));
        assertFails(ErrorCode.PERMISSION_DENIED, () -> user.deleteServer(
                DeleteServerRequest.newBuilder().setServerId(server.getId()).build()));
        assertFails(ErrorCode.PERMISSION_DENIED, () -> user.listServers(ListServersRequest.getDefaultInstance()));

        MediaServerServiceBlockingStub mediaSvc = fixture.asService(MediaServerServiceBlockingStub.class);
        assertThat(mediaSvc.getServer(read).getServer().getName()).isEqualTo("auth-origin");
        assertThat(mediaSvc.listServers(ListServersRequest.getDefaultInstance()).getServersList()).isNotEmpty();
        // media-svc reads on its own; managing takes an admin's session, which only the gateway carries.
        assertFails(ErrorCode.PERMISSION_DENIED, () -> mediaSvc.createServer(create));
        assertThat(get(server.getId())).isEqualTo(server);
    }

    private static List<String> names(ListServersRequest.Builder request) {
        return admin.listServers(request.build()).getServersList().stream().map(MediaServer::getName).toList();
    }

    private static PortRange range(int min, int max) {
        return PortRange.newBuilder().setMin(min).setMax(max).build();
    }
}
