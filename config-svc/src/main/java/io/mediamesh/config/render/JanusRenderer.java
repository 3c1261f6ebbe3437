package io.mediamesh.config.render;

import io.mediamesh.api.v1.ConfigFile;
import io.mediamesh.api.v1.JanusConfig;
import io.mediamesh.api.v1.JanusGeneral;
import io.mediamesh.api.v1.JanusHttpTransport;
import io.mediamesh.api.v1.JanusNat;
import io.mediamesh.config.ConfigKinds;
import io.mediamesh.config.server.MediaServerRecord;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Janus's files for one server: janus.jcfg, the HTTP transport and the three plugins the control
 * plane uses, and the HTTP event handler posting the plugins' events to media-svc. Everything else
 * Janus would load (other plugins, transports, loggers, event handlers) is disabled, so the only
 * listening sockets are the HTTP and admin APIs. Folders are pinned (JanusAllowlist): no folder
 * setting is written, so Janus loads code from its installation's folders and reads these files
 * from the folder it is started with, {@code -F <the folder of these files>}.
 */
final class JanusRenderer {
    /** What Debian's janus 1.1 ships besides the plugins and transport configured here. */
    static final String DISABLED_PLUGINS = "libjanus_audiobridge.so,libjanus_duktape.so,libjanus_echotest.so," +
                                           "libjanus_lua.so,libjanus_nosip.so,libjanus_recordplay.so," +
                                           "libjanus_sip.so,libjanus_videocall.so,libjanus_voicemail.so";
    static final String DISABLED_TRANSPORTS = "libjanus_mqtt.so,libjanus_nanomsg.so,libjanus_pfunix.so," +
                                              "libjanus_rabbitmq.so,libjanus_websockets.so";
    static final String DISABLED_LOGGERS = "libjanus_jsonlog.so";
    /** Every event handler but the HTTP one (sampleevh), which posts to media-svc when configured. */
    static final String DISABLED_EVENT_HANDLERS = "libjanus_gelfevh.so,libjanus_mqttevh.so," +
                                                  "libjanus_nanomsgevh.so,libjanus_rabbitmqevh.so," +
                                                  "libjanus_wsevh.so";
    /** Where media-svc takes Janus's events, below its base URL: /janus/events/<server id>/<token>. */
    public static final String EVENTS_PATH = "/janus/events/";
    private static final Pattern EVENTS_TOKEN = Pattern.compile("[A-Za-z0-9_-]{16,128}");
    private static final Set<String> TURN_TYPES = Set.of("udp", "tcp", "tls");
    private static final Set<String> TEXTROOM_JSON = Set.of("plain", "indented", "compact");

    private JanusRenderer() {}

    static List<ConfigFile> render(JanusConfig janus, MediaServerRecord server) {
        RenderScope scope = new RenderScope("janus", server);
        String header = "Rendered by mediamesh config-svc for server " + server.name() +
                        "; the next apply replaces any edit.";
        return List.of(core(janus, scope, header), http(janus, scope, header), videoRoom(janus, scope, header),
                       streaming(janus, scope, header), textRoom(janus, scope, header),
                       eventHandler(janus, scope, header));
    }

    private static ConfigFile core(JanusConfig janus, RenderScope scope, String header) {
        MediaServerRecord server = scope.server();
        JanusGeneral general = janus.getGeneral();
        Jcfg file = new Jcfg(scope, header).open("general");
        // The server's own name and bind address unless the document names one for every server.
        file.string("server_name", general.getServerName().isEmpty() ? server.internalAddress()
                                                                     : general.getServerName(),
                    "general.server_name");
        file.stringIfSet("admin_secret", general.getAdminSecret(), "general.admin_secret");
        if (general.getSessionTimeoutSeconds() != 0) {
            file.number("session_timeout", scope.atLeast("general.session_timeout_seconds",
                                                         general.getSessionTimeoutSeconds(), 1));
        }
        if (general.getDebugLevel() < 0 || general.getDebugLevel() > 7) {
            throw scope.fail("general.debug_level", "must be between 0 and 7 (got " + general.getDebugLevel() + ").");
        }
        file.number("debug_level", general.getDebugLevel());
        file.string("interface", general.getBindInterface().isEmpty()
                                 ? scope.ip("general.bind_interface", server.internalAddress(),
                                            "the server's internal address")
                                 : scope.ip("general.bind_interface", general.getBindInterface(), "it"),
                    "general.bind_interface");
        file.bool("log_to_stdout", general.getLogToFile().isEmpty());
        if (!general.getLogToFile().isEmpty()) {
            file.string("log_to_file", scope.logFile("general.log_to_file", general.getLogToFile(), "/var/log/janus/",
                                                     Set.of()), "general.log_to_file");
        }
        // Pinned: the document may protect more folders, never fewer.
        Set<String> protectedFolders = new LinkedHashSet<>(JanusAllowlist.PROTECTED_FOLDERS);
        protectedFolders.addAll(general.getProtectedFoldersList());
        file.strings("protected_folders", List.copyOf(protectedFolders), "general.protected_folders");
        file.close();

        JanusNat nat = janus.getNat();
        file.open("nat");
        // STUN at the server's own coturn, as the original did.
        file.string("stun_server", nat.getStunServer().isEmpty() ? server.internalAddress() : nat.getStunServer(),
                    "nat.stun_server");
        file.number("stun_port", scope.port("nat.stun_port", Effective.stunPort(server, janus)));
        String mapping = nat.getNat11Mapping();
        if (mapping.isEmpty() && !server.publicAddress().equalsIgnoreCase(server.internalAddress())) {
            mapping = scope.ip("nat.nat_1_1_mapping", server.publicAddress(), "the server's public address");
        } else if (!mapping.isEmpty()) {
            scope.ip("nat.nat_1_1_mapping", mapping, "it");
        }
        file.stringIfSet("nat_1_1_mapping", mapping, "nat.nat_1_1_mapping");
        file.bool("keep_private_host", nat.getKeepPrivateHost());
        file.bool("ice_lite", nat.getIceLite());
        file.bool("ice_tcp", nat.getIceTcp());
        file.bool("full_trickle", nat.getFullTrickle());
        file.stringIfSet("ice_enforce_list", nat.getIceEnforceList(), "nat.ice_enforce_list");
        file.stringIfSet("ice_ignore_list", nat.getIceIgnoreList(), "nat.ice_ignore_list");
        if (!nat.getTurnServer().isEmpty()) {
            file.string("turn_server", nat.getTurnServer(), "nat.turn_server");
            file.number("turn_port", scope.port("nat.turn_port", nat.getTurnPort()));
            if (!TURN_TYPES.contains(nat.getTurnType())) {
                throw scope.fail("nat.turn_type", "must be udp, tcp or tls when turn_server is set.");
            }
            file.string("turn_type", nat.getTurnType(), "nat.turn_type");
            file.stringIfSet("turn_user", nat.getTurnUser(), "nat.turn_user");
            file.stringIfSet("turn_pwd", nat.getTurnPwd(), "nat.turn_pwd");
        }
        file.close();

        file.open("media");
        file.bool("ipv6", janus.getMedia().getIpv6());
        file.rangeIfSet("rtp_port_range", Effective.janusRtpPortRange(server, janus), "media.rtp_port_range");
        if (janus.getMedia().getNoMediaTimerSeconds() != 0) {
            file.number("no_media_timer", scope.atLeast("media.no_media_timer_seconds",
                                                        janus.getMedia().getNoMediaTimerSeconds(), 1));
        }
        if (janus.getMedia().getDtlsMtu() != 0) {
            file.number("dtls_mtu", scope.atLeast("media.dtls_mtu", janus.getMedia().getDtlsMtu(), 1));
        }
        file.close();

        file.open("plugins").string("disable", DISABLED_PLUGINS, "plugins").close();
        file.open("transports").string("disable", DISABLED_TRANSPORTS, "transports").close();
        file.open("loggers").string("disable", DISABLED_LOGGERS, "loggers").close();
        boolean events = !janus.getEvents().getMediaSvcUrl().isEmpty();
        file.open("events").bool("broadcast", events)
            .string("disable", events ? DISABLED_EVENT_HANDLERS : DISABLED_EVENT_HANDLERS + ",libjanus_sampleevh.so",
                    "events")
            .close();
        return file.topLevelLines(janus.getExtraLinesList(), "extra_lines").file(ConfigKinds.JANUS_FILE);
    }

    private static ConfigFile http(JanusConfig janus, RenderScope scope, String header) {
        MediaServerRecord server = scope.server();
        JanusHttpTransport http = janus.getHttp();
        Jcfg file = new Jcfg(scope, header).open("general");
        file.string("base_path", scope.path("http.base_path", Effective.janusBasePath(janus)), "http.base_path");
        file.bool("http", true);
        file.number("port", scope.port("http.http_port", Effective.janusHttpPort(server, janus)));
        file.string("ip", http.getHttpIp().isEmpty()
                          ? scope.ip("http.http_ip", server.internalAddress(), "the server's internal address")
                          : scope.ip("http.http_ip", http.getHttpIp(), "it"), "http.http_ip");
        file.bool("https", false);
        file.stringIfSet("acl", http.getAcl(), "http.acl");
        file.lines(http.getExtraLinesList(), "http.extra_lines", JanusAllowlist.HTTP_GENERAL);
        file.close();

        int adminPort = Effective.janusAdminPort(server, janus);
        file.open("admin");
        file.bool("admin_http", adminPort != 0);
        if (adminPort != 0) {
            file.string("admin_base_path", scope.path("http.admin_base_path", Effective.janusAdminBasePath(janus)),
                        "http.admin_base_path");
            file.number("admin_port", scope.port("http.admin_port", adminPort));
            file.string("admin_ip", http.getAdminIp().isEmpty()
                                    ? scope.ip("http.admin_ip", server.internalAddress(),
                                               "the server's internal address")
                                    : scope.ip("http.admin_ip", http.getAdminIp(), "it"), "http.admin_ip");
            file.stringIfSet("admin_acl", http.getAdminAcl(), "http.admin_acl");
        }
        file.bool("admin_https", false);
        return file.close().file(ConfigKinds.JANUS_HTTP_FILE);
    }

    private static ConfigFile videoRoom(JanusConfig janus, RenderScope scope, String header) {
        Jcfg file = new Jcfg(scope, header).open("general");
        file.stringIfSet("admin_key", janus.getVideoroom().getAdminKey(), "videoroom.admin_key");
        file.bool("lock_rtp_forward", janus.getVideoroom().getLockRtpForward());
        file.bool("string_ids", janus.getVideoroom().getStringIds());
        String recDir = Effective.recDir(scope.server(), janus);
        if (!recDir.isEmpty()) {
            file.string("rec_dir", scope.dataFolder("videoroom.rec_dir", recDir), "videoroom.rec_dir");
        }
        file.lines(janus.getVideoroom().getExtraLinesList(), "videoroom.extra_lines", JanusAllowlist.PLUGIN_GENERAL);
        return file.close().file(ConfigKinds.JANUS_VIDEOROOM_FILE);
    }

    private static ConfigFile streaming(JanusConfig janus, RenderScope scope, String header) {
        Jcfg file = new Jcfg(scope, header).open("general");
        file.stringIfSet("admin_key", janus.getStreaming().getAdminKey(), "streaming.admin_key");
        file.rangeIfSet("rtp_port_range", Effective.streamingRtpPortRange(scope.server(), janus),
                        "streaming.rtp_port_range");
        file.lines(janus.getStreaming().getExtraLinesList(), "streaming.extra_lines",
                   JanusAllowlist.PLUGIN_GENERAL);
        return file.close().file(ConfigKinds.JANUS_STREAMING_FILE);
    }

    /**
     * The HTTP event handler: the plugins' events only (joins, display name changes), grouped, to
     * media-svc at a URL naming this server and carrying the role's token. Written disabled
     * without a media-svc URL, so a kind always has the same files.
     */
    private static ConfigFile eventHandler(JanusConfig janus, RenderScope scope, String header) {
        String base = janus.getEvents().getMediaSvcUrl();
        Jcfg file = new Jcfg(scope, header).open("general");
        file.bool("enabled", !base.isEmpty());
        if (!base.isEmpty()) {
            URI url;
            try {
                url = new URI(scope.text("events.media_svc_url", base));
            } catch (URISyntaxException e) {
                throw scope.fail("events.media_svc_url", "is not a URL (got \"" + base + "\").");
            }
            if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null ||
                url.getRawQuery() != null || url.getRawFragment() != null) {
                throw scope.fail("events.media_svc_url", "must be an http(s) URL without query, such as " +
                                                         "http://10.0.0.5:9102 (got \"" + base + "\").");
            }
            if (!EVENTS_TOKEN.matcher(janus.getEvents().getToken()).matches()) {
                throw scope.fail("events.token", "must be 16 to 128 characters of A-Z, a-z, 0-9, '-' and '_' " +
                                                 "when events.media_svc_url is set.");
            }
            file.string("events", "plugins", "events");
            file.bool("grouping", true);
            file.string("json", "compact", "events");
            file.string("backend", (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + EVENTS_PATH +
                                   scope.server().id() + '/' + janus.getEvents().getToken(), "events.media_svc_url");
        }
        return file.close().file(ConfigKinds.JANUS_EVENTS_FILE);
    }

    private static ConfigFile textRoom(JanusConfig janus, RenderScope scope, String header) {
        String json = janus.getTextroom().getJson().isEmpty() ? "plain" : janus.getTextroom().getJson();
        if (!TEXTROOM_JSON.contains(json)) {
            throw scope.fail("textroom.json", "must be plain, indented or compact.");
        }
        Jcfg file = new Jcfg(scope, header).open("general");
        file.stringIfSet("admin_key", janus.getTextroom().getAdminKey(), "textroom.admin_key");
        file.string("json", json, "textroom.json");
        file.lines(janus.getTextroom().getExtraLinesList(), "textroom.extra_lines", JanusAllowlist.PLUGIN_GENERAL);
        return file.close().file(ConfigKinds.JANUS_TEXTROOM_FILE);
    }
}
