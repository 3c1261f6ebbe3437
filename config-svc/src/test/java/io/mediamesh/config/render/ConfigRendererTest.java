package io.mediamesh.config.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mediamesh.api.v1.ConfigDocument;
import io.mediamesh.api.v1.ConfigFile;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.CoturnConfig;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.JanusConfig;
import io.mediamesh.api.v1.MediaServerEndpoints;
import io.mediamesh.api.v1.MediaServerRole;
import io.mediamesh.api.v1.NginxConfig;
import io.mediamesh.api.v1.NginxListen;
import io.mediamesh.api.v1.PortRange;
import io.mediamesh.api.v1.ServerOverrides;
import io.mediamesh.api.v1.ServerStatus;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.config.ConfigKinds;
import io.mediamesh.config.ServerRoles;
import io.mediamesh.config.revision.DefaultDocuments;
import io.mediamesh.config.server.MediaServerRecord;
import io.mediamesh.config.validate.ConfigValidators;
import io.mediamesh.config.validate.ValidationResult;
import io.mediamesh.config.validate.ValidationTools;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Rendering per server: the per-server values land where they should, the files are accepted by
 * the real tools (nginx -t, janus-cfgconv, a coturn trial run) for every kind and role, and a
 * document that cannot fit a server fails naming the field and the server. Free-form lines pass
 * each tool's allowlist: what could read files outside the server's folders, load code, run
 * programs or reach out is refused naming the directive; what an operator needs passes the tool.
 */
class ConfigRendererTest {
    private static final ConfigValidators TOOLS = new ConfigValidators(ValidationTools.from(
            Configs.load(Map.of()).getConfig("mediamesh.config-svc.validation")));
    private static final DefaultDocuments DEFAULTS = new DefaultDocuments(new SecureRandom());
    private static final MediaServerRecord SAMPLE = MediaServerRecord.sample(MediaServerRole.MEDIA_SERVER_ROLE_EDGE);

    /** A server whose public and internal addresses differ (behind NAT), with its own ports. */
    private static MediaServerRecord server(String name, MediaServerRole role, String publicAddress,
                                            String internalAddress, ServerOverrides overrides) {
        return new MediaServerRecord(7, name, role, publicAddress, internalAddress,
                                     role == MediaServerRole.MEDIA_SERVER_ROLE_ORIGIN ? "" : "g1", "127.0.0.1:9500",
                                     true, overrides, ServerStatus.SERVER_STATUS_UNKNOWN, "", null, Instant.EPOCH,
                                     Instant.EPOCH, List.of());
    }

    private static ServerOverrides overrides(int base) {
        return ServerOverrides.newBuilder()
                              .setJanusHttpPort(base)
                              .setJanusAdminPort(base + 1)
                              .setCoturnListeningPort(base + 2)
                              .setNginxListenPort(base + 3)
                              .setJanusRtpPortRange(range(base + 100, base + 199))
                              .setStreamingRtpPortRange(range(base + 200, base + 299))
                              .setCoturnRelayPortRange(range(base + 300, base + 399))
                              .setJanusRecDir("/tmp/mediamesh-render/" + base)
                              .build();
    }

    private static PortRange range(int min, int max) {
        return PortRange.newBuilder().setMin(min).setMax(max).build();
    }

    private static RenderedConfig render(ConfigKind kind, ConfigDocument document, MediaServerRecord server) {
        return ConfigRenderer.render(kind, document, new RenderTarget(server, DEFAULTS.of(ConfigKind.CONFIG_KIND_JANUS)
                                                                                      .getJanus()));
    }

    private static String file(RenderedConfig rendered, String name) {
        return rendered.files().stream().filter(f -> f.getName().equals(name)).map(RenderedConfig::text)
                       .findFirst().orElseThrow();
    }

    @ParameterizedTest
    @EnumSource(value = MediaServerRole.class, names = {"MEDIA_SERVER_ROLE_ORIGIN", "MEDIA_SERVER_ROLE_RELAY",
                                                        "MEDIA_SERVER_ROLE_EDGE"})
    void theDefaultsRenderedForSeveralServersOfOneHostPassTheRealTools(MediaServerRole role) {
        for (ConfigKind kind : ConfigKinds.ALL) {
            for (MediaServerRecord server : List.of(
                    server("a-" + ServerRoles.name(role), role, "127.0.0.2", "127.0.0.1", overrides(32000)),
                    server("b-" + ServerRoles.name(role), role, "127.0.0.1", "127.0.0.1", overrides(32500)),
                    MediaServerRecord.sample(role))) {
                RenderedConfig rendered = render(kind, DEFAULTS.of(kind), server);
                assertThat(rendered.files()).extracting(ConfigFile::getName)
                                            .containsExactlyInAnyOrderElementsOf(ConfigKinds.fileNames(kind));
                ValidationResult result = TOOLS.validate(kind, rendered.files());
                assertThat(result.ok()).as("%s for %s: %s", kind, server.name(), result.toolOutput()).isTrue();
            }
        }
    }

    @Test
    @Tag("fast")
    void janusGetsTheServersNamesAddressesAndPorts() {
        MediaServerRecord server = server("edge-7", MediaServerRole.MEDIA_SERVER_ROLE_EDGE, "127.0.0.2", "127.0.0.1",
                                          overrides(33000));
        ConfigDocument janusDocument = DEFAULTS.of(ConfigKind.CONFIG_KIND_JANUS);
        RenderedConfig rendered = render(ConfigKind.CONFIG_KIND_JANUS, janusDocument, server);
        String core = file(rendered, "janus.jcfg");
        assertThat(core).contains("server_name = \"127.0.0.1\"", "interface = \"127.0.0.1\"",
                                  "stun_server = \"127.0.0.1\"", "stun_port = 33002",
                                  "nat_1_1_mapping = \"127.0.0.2\"", "rtp_port_range = \"33100-33199\"",
                                  "disable = \"" + JanusRenderer.DISABLED_PLUGINS + '"',
                                  "disable = \"" + JanusRenderer.DISABLED_TRANSPORTS + '"');
        assertThat(file(rendered, "janus.transport.http.jcfg"))
                .contains("port = 33000", "ip = \"127.0.0.1\"", "base_path = \"/janus\"", "admin_http = true",
                          "admin_port = 33001", "admin_ip = \"127.0.0.1\"");
        assertThat(file(rendered, "janus.plugin.videoroom.jcfg"))
                .contains("rec_dir = \"/tmp/mediamesh-render/33000\"", "lock_rtp_forward = true", "admin_key = \"");
        assertThat(file(rendered, "janus.plugin.streaming.jcfg")).contains("rtp_port_range = \"33200-33299\"");
        assertThat(file(rendered, "janus.plugin.textroom.jcfg")).contains("json = \"plain\"");
        // The plugins' events go to media-svc, at a URL naming the server and carrying the role's token.
        JanusConfig janus = janusDocument.getJanus();
        assertThat(core).contains("broadcast = true", "disable = \"" + JanusRenderer.DISABLED_EVENT_HANDLERS + '"');
        assertThat(file(rendered, "janus.eventhandler.sampleevh.jcfg"))
                .contains("enabled = true", "events = \"plugins\"", "grouping = true",
                          "backend = \"http://127.0.0.1:9102/janus/events/" + server.id() + '/' +
                          janus.getEvents().getToken() + '"');
        // Without a media-svc URL the handler is off (and the file is still there, disabled).
        RenderedConfig noEvents = render(ConfigKind.CONFIG_KIND_JANUS,
                                         ConfigDocument.newBuilder().setJanus(janus.toBuilder().clearEvents()).build(),
                                         server);
        assertThat(file(noEvents, "janus.jcfg")).contains("broadcast = false", "libjanus_sampleevh.so");
        assertThat(file(noEvents, "janus.eventhandler.sampleevh.jcfg")).contains("enabled = false")
                                                                        .doesNotContain("backend");

        // Without NAT there is no mapping; without overrides the role's values apply.
        RenderedConfig plain = render(ConfigKind.CONFIG_KIND_JANUS, DEFAULTS.of(ConfigKind.CONFIG_KIND_JANUS),
                                      server("o", MediaServerRole.MEDIA_SERVER_ROLE_ORIGIN, "127.0.0.1", "127.0.0.1",
                                             ServerOverrides.getDefaultInstance()));
        assertThat(file(plain, "janus.jcfg")).doesNotContain("nat_1_1_mapping").contains("stun_port = 3478",
                                                                                         "rtp_port_range = \"20000-40000\"");
        assertThat(file(plain, "janus.transport.http.jcfg")).contains("port = 8088", "admin_port = 7088");
        assertThat(file(plain, "janus.plugin.videoroom.jcfg")).contains("rec_dir = \"/var/lib/mediamesh/recordings\"");
    }

    @Test
    void janusStringsAreEscapedAndExtraLinesGoWhereTheySay() {
        JanusConfig janus = DEFAULTS.of(ConfigKind.CONFIG_KIND_JANUS).getJanus().toBuilder()
                .setGeneral(DEFAULTS.of(ConfigKind.CONFIG_KIND_JANUS).getJanus().getGeneral().toBuilder()
                                    .setAdminSecret("a \"quoted\" \\ secret"))
                .addExtraLines("certificates: { dtls_accept_selfsigned = false }")
                .setVideoroom(DEFAULTS.of(ConfigKind.CONFIG_KIND_JANUS).getJanus().getVideoroom().toBuilder()
                                      .addExtraLines("events = false"))
                .build();
        RenderedConfig rendered = render(ConfigKind.CONFIG_KIND_JANUS,
                                         ConfigDocument.newBuilder().setJanus(janus).build(),
                                         MediaServerRecord.sample(MediaServerRole.MEDIA_SERVER_ROLE_ORIGIN));
        assertThat(file(rendered, "janus.jcfg")).contains("admin_secret = \"a \\\"quoted\\\" \\\\ secret\"")
                                                .endsWith("certificates: { dtls_accept_selfsigned = false }\n");
        assertThat(file(rendered, "janus.plugin.videoroom.jcfg")).contains("\tevents = false\n}");
        ValidationResult result = TOOLS.validate(ConfigKind.CONFIG_KIND_JANUS, rendered.files());
        assertThat(result.ok()).as(result.toolOutput()).isTrue();
        assertThat(result.toolOutput()).doesNotContain("quoted");
    }

    @Test
    @Tag("fast")
    void coturnListensOnTheInternalAddressAndAdvertisesThePublicOne() {
        MediaServerRecord server = server("relay-3", MediaServerRole.MEDIA_SERVER_ROLE_RELAY, "127.0.0.2",
                                          "127.0.0.1", overrides(34000));
        String conf = file(render(ConfigKind.CONFIG_KIND_COTURN, DEFAULTS.of(ConfigKind.CONFIG_KIND_COTURN), server),
                           "turnserver.conf");
        assertThat(conf).contains("listening-port=34002\n", "listening-ip=127.0.0.1\n", "relay-ip=127.0.0.1\n",
                                  "external-ip=127.0.0.2/127.0.0.1\n", "min-port=34300\n", "max-port=34399\n",
                                  "realm=mediamesh\n", "use-auth-secret\n", "static-auth-secret=", "no-cli\n",
                                  "log-file=stdout\n");
        MediaServerRecord plain = server("o", MediaServerRole.MEDIA_SERVER_ROLE_ORIGIN, "127.0.0.1", "127.0.0.1",
                                         ServerOverrides.getDefaultInstance());
        assertThat(file(render(ConfigKind.CONFIG_KIND_COTURN, DEFAULTS.of(ConfigKind.CONFIG_KIND_COTURN), plain),
                        "turnserver.conf"))
                .contains("listening-port=3478\n", "external-ip=127.0.0.1\n", "min-port=49152\n", "max-port=65535\n");
    }

    @Test
    void nginxProxiesTheServersOwnJanusAndServesItsRecordings() {
        MediaServerRecord server = server("edge-9", MediaServerRole.MEDIA_SERVER_ROLE_EDGE, "127.0.0.2", "127.0.0.1",
                                          overrides(35000));
        ConfigDocument nginxDocument = DEFAULTS.of(ConfigKind.CONFIG_KIND_NGINX);
        String conf = file(render(ConfigKind.CONFIG_KIND_NGINX, nginxDocument, server), "nginx.conf");
        assertThat(conf).contains("listen 35003;", "server_name 127.0.0.2;", "upstream janus {",
                                  "server 127.0.0.1:35000;", "keepalive 16;", "location /janus {",
                                  "proxy_pass http://janus;", "location /recordings/ {",
                                  "alias /tmp/mediamesh-render/35000/;", "autoindex_format json;",
                                  "secure_link $arg_md5,$arg_expires;",
                                  "secure_link_md5 \"$secure_link_expires$uri " +
                                  nginxDocument.getNginx().getRecordingsSecret() + "\";",
                                  "if ($secure_link = \"0\") {",
                                  "pid logs/nginx.pid;", "client_body_temp_path client_body_temp;");
        // Listen addresses and explicit upstream servers as written; IPv6 in brackets.
        NginxConfig custom = DEFAULTS.of(ConfigKind.CONFIG_KIND_NGINX).getNginx().toBuilder()
                .clearListen().addListen(NginxListen.newBuilder().setAddress("127.0.0.1").setPort(8000))
                .addListen(NginxListen.newBuilder().setAddress("::1").setPort(8001))
                .setUpstreams(0, DEFAULTS.of(ConfigKind.CONFIG_KIND_NGINX).getNginx().getUpstreams(0).toBuilder()
                                         .addServers("127.0.0.1:18088").addServers("[::1]:18089"))
                .build();
        RenderedConfig rendered = render(ConfigKind.CONFIG_KIND_NGINX,
                                         ConfigDocument.newBuilder().setNginx(custom).build(),
                                         server("o", MediaServerRole.MEDIA_SERVER_ROLE_ORIGIN, "127.0.0.1",
                                                "127.0.0.1", ServerOverrides.getDefaultInstance()));
        assertThat(file(rendered, "nginx.conf")).contains("listen 127.0.0.1:8000;", "listen [::1]:8001;",
                                                          "server 127.0.0.1:18088;", "server [::1]:18089;",
                                                          "alias /var/lib/mediamesh/recordings/;");
        ValidationResult result = TOOLS.validate(ConfigKind.CONFIG_KIND_NGINX, rendered.files());
        assertThat(result.ok()).as(result.toolOutput()).isTrue();
    }

    @Test
    @Tag("fast")
    void endpointsNameNginxsJanusAndRecordingsLocationsOnThePublicAddress() {
        MediaServerRecord server = server("edge-9", MediaServerRole.MEDIA_SERVER_ROLE_EDGE, "127.0.0.2", "127.0.0.1",
                                          overrides(35000));
        JanusConfig janus = DEFAULTS.of(ConfigKind.CONFIG_KIND_JANUS).getJanus();
        NginxConfig nginx = DEFAULTS.of(ConfigKind.CONFIG_KIND_NGINX).getNginx();
        CoturnConfig coturn = DEFAULTS.of(ConfigKind.CONFIG_KIND_COTURN).getCoturn();
        MediaServerEndpoints endpoints = Endpoints.of(server, janus, nginx, coturn);
        assertThat(endpoints.getPublicJanusUrl()).isEqualTo("http://127.0.0.2:35003/janus");
        assertThat(endpoints.getJanusRecDir()).isEqualTo("/tmp/mediamesh-render/35000");
        assertThat(endpoints.getRecordingsUrl()).isEqualTo("http://127.0.0.2:35003/recordings/");
        // coturn on the public address at the server's port; none without per-join credentials.
        assertThat(endpoints.getTurnUrl()).isEqualTo("turn:127.0.0.2:35002?transport=udp");
        assertThat(Endpoints.of(server, janus, nginx, coturn.toBuilder().setUseAuthSecret(false).build())
                            .getTurnUrl()).isEmpty();
        // The rooms' folders are below rec_dir: a location serving another folder does not list them.
        assertThat(Endpoints.of(server, janus, nginx.toBuilder().setRecordingsRoot("/srv/other").build(), coturn)
                            .getRecordingsUrl()).isEmpty();
        assertThat(Endpoints.of(server, janus, nginx.toBuilder().setRecordingsRoot("/tmp/mediamesh-render/35000/")
                                                    .setRecordingsLocation("/rec").build(), coturn)
                            .getRecordingsUrl()).isEqualTo("http://127.0.0.2:35003/rec/");
        assertThat(Endpoints.of(server, janus, nginx.toBuilder().clearRecordingsLocation().build(), coturn)
                            .getRecordingsUrl()).isEmpty();
        // No port for nginx: clients reach Janus itself, and there are no recordings to link to.
        MediaServerRecord bare = server("o", MediaServerRole.MEDIA_SERVER_ROLE_ORIGIN, "127.0.0.1", "127.0.0.1",
                                        ServerOverrides.getDefaultInstance());
        MediaServerEndpoints direct = Endpoints.of(bare, janus, nginx.toBuilder().clearListen().build(), coturn);
        assertThat(direct.getPublicJanusUrl()).isEqualTo("http://127.0.0.1:8088/janus");
        assertThat(direct.getJanusRecDir()).isEqualTo("/var/lib/mediamesh/recordings");
        assertThat(direct.getRecordingsUrl()).isEmpty();
    }

    @Test
    @Tag("fast")
    void theDigestAndVersionFollowTheFilesOnly() {
        MediaServerRecord a = server("a", MediaServerRole.MEDIA_SERVER_ROLE_EDGE, "127.0.0.1", "127.0.0.1",
                                     overrides(36000));
        MediaServerRecord b = server("b", MediaServerRole.MEDIA_SERVER_ROLE_EDGE, "127.0.0.1", "127.0.0.1",
                                     overrides(36500));
        ConfigDocument document = DEFAULTS.of(ConfigKind.CONFIG_KIND_JANUS);
        RenderedConfig first = render(ConfigKind.CONFIG_KIND_JANUS, document, a);
        assertThat(render(ConfigKind.CONFIG_KIND_JANUS, document, a)).isEqualTo(first);
        assertThat(render(ConfigKind.CONFIG_KIND_JANUS, document, a).sha256()).isEqualTo(first.sha256());
        assertThat(render(ConfigKind.CONFIG_KIND_JANUS, document, b).sha256()).isNotEqualTo(first.sha256());
        assertThat(first.version(12)).matches("r12-[0-9a-f]{12}").startsWith("r12-" + first.sha256().substring(0, 12));
        // Order of the given files does not matter; names and contents do.
        List<ConfigFile> reversed = new java.util.ArrayList<>(first.files());
        java.util.Collections.reverse(reversed);
        assertThat(RenderedConfig.digest(reversed)).isEqualTo(first.sha256());
    }

    @Test
    @Tag("fast")
    void documentsThatCannotFitAServerFailNamingTheFieldAndServer() {
        MediaServerRecord named = server("named-edge", MediaServerRole.MEDIA_SERVER_ROLE_EDGE,
                                         "edge.example.com", "edge.internal", ServerOverrides.getDefaultInstance());
        assertRenderFails(ConfigKind.CONFIG_KIND_COTURN, DEFAULTS.of(ConfigKind.CONFIG_KIND_COTURN), named,
                          "coturn for server named-edge: listening_ips must be an IP address");
        assertRenderFails(ConfigKind.CONFIG_KIND_JANUS, DEFAULTS.of(ConfigKind.CONFIG_KIND_JANUS), named,
                          "general.bind_interface must be an IP address");

        MediaServerRecord plain = MediaServerRecord.sample(MediaServerRole.MEDIA_SERVER_ROLE_RELAY);
        assertRenderFails(ConfigKind.CONFIG_KIND_NGINX, nginx(n -> n.setJanusUpstream("nowhere")), plain,
                          "janus_upstream must name one of the upstreams");
        assertRenderFails(ConfigKind.CONFIG_KIND_NGINX, nginx(n -> n.setListen(0, n.getListen(0).toBuilder()
                                                                                .setSsl(true))), plain,
                          "ssl_certificate and ssl_certificate_key are required");
        assertRenderFails(ConfigKind.CONFIG_KIND_NGINX, nginx(n -> n.clearListen()), plain, "listen needs");
        // Recordings are never served without signed links.
        assertRenderFails(ConfigKind.CONFIG_KIND_NGINX, nginx(n -> n.clearRecordingsSecret()), plain,
                          "recordings_secret must be 16 to 128 characters");
        assertRenderFails(ConfigKind.CONFIG_KIND_NGINX, nginx(n -> n.setRecordingsSecret("a$b\"c-0123456789abcdef")),
                          plain, "recordings_secret");
        assertRenderFails(ConfigKind.CONFIG_KIND_JANUS, janus(j -> j.setEvents(j.getEvents().toBuilder()
                                                                                 .setMediaSvcUrl("ftp://x"))),
                          plain, "events.media_svc_url must be an http(s) URL");
        assertRenderFails(ConfigKind.CONFIG_KIND_JANUS, janus(j -> j.setEvents(j.getEvents().toBuilder()
                                                                                 .setToken("short"))),
                          plain, "events.token");
        assertRenderFails(ConfigKind.CONFIG_KIND_NGINX, nginx(n -> n.setServerName("a b")), plain, "server_name");
        assertRenderFails(ConfigKind.CONFIG_KIND_NGINX, nginx(n -> n.addExtraLines("x;\ny;")), plain,
                          "extra_lines[0] must not contain line breaks");
        assertRenderFails(ConfigKind.CONFIG_KIND_NGINX, nginx(n -> n.setUpstreams(0, n.getUpstreams(0).toBuilder()
                                                                                       .addServers("nohost"))), plain,
                          "upstreams[0].servers[0] must be host:port");
        assertRenderFails(ConfigKind.CONFIG_KIND_JANUS, janus(j -> j.setNat(j.getNat().toBuilder().setStunPort(70000))),
                          plain, "nat.stun_port must be between 1 and 65535");
        assertRenderFails(ConfigKind.CONFIG_KIND_JANUS, janus(j -> j.setNat(j.getNat().toBuilder()
                                                                             .setTurnServer("turn.example"))),
                          plain, "nat.turn_port");
        assertRenderFails(ConfigKind.CONFIG_KIND_JANUS, janus(j -> j.setGeneral(j.getGeneral().toBuilder()
                                                                                 .setDebugLevel(9))),
                          plain, "general.debug_level");
        assertRenderFails(ConfigKind.CONFIG_KIND_JANUS, janus(j -> j.setTextroom(j.getTextroom().toBuilder()
                                                                                  .setJson("xml"))),
                          plain, "textroom.json");
        assertRenderFails(ConfigKind.CONFIG_KIND_JANUS, janus(j -> j.setMedia(j.getMedia().toBuilder()
                                                                             .setRtpPortRange(range(5, 4)))),
                          plain, "media.rtp_port_range");
        assertRenderFails(ConfigKind.CONFIG_KIND_COTURN, coturn(c -> c.setStaticAuthSecret("")), plain,
                          "static_auth_secret is required");
        assertRenderFails(ConfigKind.CONFIG_KIND_COTURN, coturn(c -> c.setExternalIp("1.2.3.4/x")), plain,
                          "external_ip");
        // No folder anywhere for the recordings location: neither document nor server names one.
        assertThatThrownBy(() -> ConfigRenderer.render(ConfigKind.CONFIG_KIND_NGINX,
                                                       DEFAULTS.of(ConfigKind.CONFIG_KIND_NGINX),
                                                       new RenderTarget(plain, JanusConfig.getDefaultInstance())))
                .isInstanceOfSatisfying(MediameshException.class,
                                        e -> assertThat(e.getMessage()).contains("recordings_root is empty"));
    }

    @Test
    @Tag("fast")
    void aDocumentOfAnotherKindIsRefused() {
        assertThatThrownBy(() -> render(ConfigKind.CONFIG_KIND_NGINX, DEFAULTS.of(ConfigKind.CONFIG_KIND_JANUS),
                                        MediaServerRecord.sample(MediaServerRole.MEDIA_SERVER_ROLE_EDGE)))
                .isInstanceOfSatisfying(MediameshException.class,
                                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
        assertThatThrownBy(() -> render(ConfigKind.CONFIG_KIND_NGINX, ConfigDocument.getDefaultInstance(),
                                        MediaServerRecord.sample(MediaServerRole.MEDIA_SERVER_ROLE_EDGE)))
                .isInstanceOfSatisfying(MediameshException.class,
                                        e -> assertThat(e.code()).isEqualTo(ErrorCode.MISSING_FIELD));
    }

    @Test
    @Tag("fast")
    void nginxLinesThatEscapeAreRefusedNamingTheDirective() {
        Map<List<String>, String> refused = Map.ofEntries(
                Map.entry(List.of("location /x/ { alias /; autoindex on; }"), "extra_lines[0] uses \"alias\""),
                Map.entry(List.of("location /x/ { alias html/; autoindex on; }"), "extra_lines[0] uses \"autoindex\""),
                Map.entry(List.of("load_module modules/ngx_stream_module.so;"), "uses \"load_module\""),
                Map.entry(List.of("include /etc/nginx/mime.types;"), "uses \"include\""),
                Map.entry(List.of("\"include\" /etc/passwd;"), "uses \"include\""),
                Map.entry(List.of("add_header X \"a;b\"; include /etc/x;"), "uses \"include\""),
                Map.entry(List.of("root /etc;"), "uses \"root\""),
                Map.entry(List.of("root html/../../..;"), "uses \"root\""),
                Map.entry(List.of("location /a/ { alias html/$arg_p; }"), "uses \"alias\""),
                Map.entry(List.of("location /m/ { proxy_pass http://169.254.169.254/; }"), "uses \"proxy_pass\""),
                Map.entry(List.of("location /p/ { fastcgi_pass 127.0.0.1:9000; }"), "uses \"fastcgi_pass\""),
                Map.entry(List.of("access_log /etc/cron.d/x;"), "uses \"access_log\""),
                Map.entry(List.of("ssl_certificate_key /etc/ssl/private/key.pem;"), "uses \"ssl_certificate_key\""),
                Map.entry(List.of("auth_basic_user_file /etc/shadow;"), "uses \"auth_basic_user_file\""),
                Map.entry(List.of("resolver 8.8.8.8;"), "uses \"resolver\""),
                Map.entry(List.of("perl_modules /tmp;"), "uses \"perl_modules\""),
                // Leaving the server block, or leaving a block open for the rendered lines to close.
                Map.entry(List.of("}", "server { listen 9; root /; }"), "extra_lines[0] uses \"}\""),
                Map.entry(List.of("location /open/ {"), "uses \"location\""),
                Map.entry(List.of("upstream evil { server 10.0.0.1:1; }"), "uses \"upstream\""),
                // A statement over several lines is refused at its line.
                Map.entry(List.of("location /y/ {", "    alias /etc/;", "}"), "extra_lines[1] uses \"alias\""));
        refused.forEach((lines, expected) -> assertRefused(ConfigKind.CONFIG_KIND_NGINX,
                                                           nginx(n -> n.addAllExtraLines(lines)), expected));
    }

    @Test
    void nginxLinesAnOperatorNeedsRenderAndPassNginx() {
        List<String> lines = List.of(
                "# headers for every answer",
                "add_header X-Content-Type-Options nosniff always;",
                "gzip on;",
                "location /static/ { root html; expires 1h; index index.html; }",
                "location = /health {",
                "    return 200 'ok';",
                "}",
                "location /janus-admin/ {",
                "    proxy_pass http://janus/admin/;",
                "    proxy_set_header X-Real-IP $remote_addr;",
                "    allow 127.0.0.1;",
                "    deny all;",
                "}",
                "if ($request_method = TRACE) { return 405; }");
        RenderedConfig rendered = render(ConfigKind.CONFIG_KIND_NGINX, nginx(n -> n.addAllExtraLines(lines)),
                                         SAMPLE);
        assertThat(file(rendered, "nginx.conf")).contains("        proxy_pass http://janus/admin/;");
        ValidationResult result = TOOLS.validate(ConfigKind.CONFIG_KIND_NGINX, rendered.files());
        assertThat(result.ok()).as(result.toolOutput()).isTrue();
    }

    @Test
    @Tag("fast")
    void janusLinesCannotMoveFoldersOrIncludeFiles() {
        assertRefused(ConfigKind.CONFIG_KIND_JANUS,
                      janus(j -> j.addExtraLines("general: { plugins_folder = \"/tmp/evil\" }")),
                      "extra_lines[0] uses \"plugins_folder\": set by the renderer only");
        assertRefused(ConfigKind.CONFIG_KIND_JANUS,
                      janus(j -> j.addExtraLines("@include \"/etc/janus/janus.jcfg\"")),
                      "extra_lines[0] uses \"@include");
        assertRefused(ConfigKind.CONFIG_KIND_JANUS, janus(j -> j.addExtraLines("custom: { answer = 42 }")),
                      "extra_lines[0] uses \"answer\"");
        assertRefused(ConfigKind.CONFIG_KIND_JANUS,
                      janus(j -> j.setHttp(j.getHttp().toBuilder().addExtraLines("cert_pem = \"/etc/ssl/x.pem\""))),
                      "http.extra_lines[0] uses \"cert_pem\"");
        assertRefused(ConfigKind.CONFIG_KIND_JANUS,
                      janus(j -> j.setVideoroom(j.getVideoroom().toBuilder().addExtraLines("rec_dir = \"/etc\""))),
                      "videoroom.extra_lines[0] uses \"rec_dir\"");
        assertRefused(ConfigKind.CONFIG_KIND_JANUS,
                      janus(j -> j.setStreaming(j.getStreaming().toBuilder().addAllExtraLines(List.of("}", "x: {")))),
                      "streaming.extra_lines[0] uses \"}\"");
        assertRefused(ConfigKind.CONFIG_KIND_JANUS,
                      janus(j -> j.setTextroom(j.getTextroom().toBuilder().addExtraLines("/* hide the rest"))),
                      "textroom.extra_lines[0] uses \"/* hide the rest\"");
        // The recordings folder is pinned outside the protected folders, which a document cannot shrink.
        assertRefused(ConfigKind.CONFIG_KIND_JANUS,
                      janus(j -> j.setVideoroom(j.getVideoroom().toBuilder().setRecDir("/etc/cron.d"))),
                      "videoroom.rec_dir must not be inside the protected folder /etc");
        MediaServerRecord noOverride = MediaServerRecord.sample(MediaServerRole.MEDIA_SERVER_ROLE_ORIGIN);
        RenderedConfig unprotected = ConfigRenderer.render(
                ConfigKind.CONFIG_KIND_JANUS,
                janus(j -> j.setGeneral(j.getGeneral().toBuilder().clearProtectedFolders()
                                        .addProtectedFolders("/srv"))),
                new RenderTarget(noOverride, JanusConfig.getDefaultInstance()));
        assertThat(file(unprotected, "janus.jcfg"))
                .contains("protected_folders = [ \"/bin\", \"/boot\", \"/dev\", \"/etc\"").contains("\"/srv\" ]")
                .doesNotContain("plugins_folder").doesNotContain("configs_folder");
    }

    @Test
    void janusLinesOnTheAllowlistRenderAndPassJanus() {
        RenderedConfig rendered = render(ConfigKind.CONFIG_KIND_JANUS, janus(j -> j
                .addExtraLines("certificates: { dtls_accept_selfsigned = false; rsa_private_key = false }")
                .setHttp(j.getHttp().toBuilder().addExtraLines("mhd_connection_limit = 512 # fewer")
                                                .addExtraLines("json = \"compact\""))
                .setVideoroom(j.getVideoroom().toBuilder().addExtraLines("events = true"))), SAMPLE);
        ValidationResult result = TOOLS.validate(ConfigKind.CONFIG_KIND_JANUS, rendered.files());
        assertThat(result.ok()).as(result.toolOutput()).isTrue();
    }

    /** The demo media plane keeps Janus's ICE to a veth a browser on the same machine reaches. */
    @Test
    void iceRestrictedToOneInterfaceRendersAndPassesJanus() {
        RenderedConfig rendered = render(ConfigKind.CONFIG_KIND_JANUS, janus(j -> j
                .setNat(j.getNat().toBuilder().setIceEnforceList("mmplane0"))), SAMPLE);
        assertThat(file(rendered, ConfigKinds.JANUS_FILE)).contains("ice_enforce_list = \"mmplane0\"");
        ValidationResult result = TOOLS.validate(ConfigKind.CONFIG_KIND_JANUS, rendered.files());
        assertThat(result.ok()).as(result.toolOutput()).isTrue();
        assertRenderFails(ConfigKind.CONFIG_KIND_JANUS,
                          janus(j -> j.setNat(j.getNat().toBuilder().setIceEnforceList("eth0\nice_lite = true"))),
                          SAMPLE, "nat.ice_enforce_list");
    }

    @Test
    @Tag("fast")
    void coturnOptionsThatConnectOutOrReadFilesAreRefused() {
        Map<String, String> refused = Map.of(
                "psql-userdb=\"host=db.example dbname=coturn user=x password=y\"", "uses \"psql-userdb\"",
                "--redis-statsdb=\"ip=10.0.0.1\"", "uses \"redis-statsdb\"",
                "userdb=/etc/passwd", "uses \"userdb\"",
                "prometheus", "uses \"prometheus\"",
                "cli-password=x", "uses \"cli-password\"",
                "allowed-peer-ip=127.0.0.1", "uses \"allowed-peer-ip\"",
                "=no-auth", "uses \"=no-auth\"");
        refused.forEach((line, expected) -> assertRefused(ConfigKind.CONFIG_KIND_COTURN,
                                                          coturn(c -> c.addExtraLines(line)), expected));
    }

    @Test
    @Tag("fast")
    void fieldsThatNameFilesStayInTheServersFoldersOrTheToolsSystemFolders() {
        Map<ConfigDocument, String> refused = Map.of(
                nginx(n -> n.setErrorLog("/etc/cron.d/x")), "error_log must be a path relative to the server's own " +
                                                            "folder or below /var/log/nginx/",
                nginx(n -> n.setAccessLog("logs/../../../root/.profile")), "access_log must not contain \"..\"",
                nginx(n -> n.setSslCertificate("/etc/shadow")), "ssl_certificate must be a path relative",
                nginx(n -> n.setSslCertificateKey("/home/x/.ssh/id_rsa")), "ssl_certificate_key must be a path",
                nginx(n -> n.setRecordingsRoot("/")), "recordings_root must not be the root folder",
                nginx(n -> n.setRecordingsRoot("/etc/")), "recordings_root must not be inside the protected folder /etc",
                janus(j -> j.setGeneral(j.getGeneral().toBuilder().setLogToFile("/usr/lib/janus/plugins/x.so"))),
                "general.log_to_file must be a path relative",
                coturn(c -> c.setLogFile("/etc/ld.so.preload")), "log_file must be a path relative",
                coturn(c -> c.setCert("/root/cert.pem")), "cert must be a path relative",
                coturn(c -> c.setPkey("../../etc/shadow")), "pkey must not contain \"..\"");
        refused.forEach((document, expected) -> assertRefused(ConfigKinds.of(document), document, expected));

        // What operators write: the tools' own log folders and words, the usual certificate folders.
        String nginx = file(render(ConfigKind.CONFIG_KIND_NGINX, nginx(n -> n.setErrorLog("stderr")
                .setAccessLog("/var/log/nginx/edge.log").setSslCertificate("/etc/letsencrypt/live/x/fullchain.pem")
                .setSslCertificateKey("certs/key.pem")), SAMPLE), ConfigKinds.NGINX_FILE);
        assertThat(nginx).contains("error_log stderr;", "access_log /var/log/nginx/edge.log;",
                                   "ssl_certificate /etc/letsencrypt/live/x/fullchain.pem;",
                                   "ssl_certificate_key certs/key.pem;");
        assertThat(file(render(ConfigKind.CONFIG_KIND_COTURN, coturn(c -> c.setLogFile("syslog")
                .setCert("/etc/ssl/certs/turn.pem")), SAMPLE), ConfigKinds.COTURN_FILE))
                .contains("log-file=syslog", "cert=/etc/ssl/certs/turn.pem");
    }

    @Test
    void coturnOptionsOnTheAllowlistRenderAndPassCoturn() {
        RenderedConfig rendered = render(ConfigKind.CONFIG_KIND_COTURN, coturn(c -> c.addExtraLines("# limits")
                .addExtraLines("max-bps=100000").addExtraLines("stale-nonce=600").addExtraLines("no-multicast-peers")),
                                         SAMPLE);
        ValidationResult result = TOOLS.validate(ConfigKind.CONFIG_KIND_COTURN, rendered.files());
        assertThat(result.ok()).as(result.toolOutput()).isTrue();
    }

    /** Free-form lines: refused for the sample server, naming the field's line and the directive. */
    private static void assertRefused(ConfigKind kind, ConfigDocument document, String expected) {
        assertRenderFails(kind, document, SAMPLE, expected);
    }

    private static void assertRenderFails(ConfigKind kind, ConfigDocument document, MediaServerRecord server,
                                          String expected) {
        assertThatThrownBy(() -> render(kind, document, server))
                .isInstanceOfSatisfying(MediameshException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_RENDER_FAILED);
                    assertThat(e.getMessage()).contains(expected).contains(server.name());
                });
    }

    private static ConfigDocument nginx(UnaryOperator<NginxConfig.Builder> change) {
        return ConfigDocument.newBuilder().setNginx(
                change.apply(DEFAULTS.of(ConfigKind.CONFIG_KIND_NGINX).getNginx().toBuilder())).build();
    }

    private static ConfigDocument janus(UnaryOperator<JanusConfig.Builder> change) {
        return ConfigDocument.newBuilder().setJanus(
                change.apply(DEFAULTS.of(ConfigKind.CONFIG_KIND_JANUS).getJanus().toBuilder())).build();
    }

    private static ConfigDocument coturn(UnaryOperator<CoturnConfig.Builder> change) {
        return ConfigDocument.newBuilder().setCoturn(
                change.apply(DEFAULTS.of(ConfigKind.CONFIG_KIND_COTURN).getCoturn().toBuilder())).build();
    }
}
