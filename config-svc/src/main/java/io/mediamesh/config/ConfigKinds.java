package io.mediamesh.config;

import io.mediamesh.api.v1.ConfigDocument;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.error.MediameshException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The config kinds: their names (REST paths, database rows) and the files each consists of on a
 * media server. Shared by config-svc and the config agent, so both agree on what a kind's files are.
 */
public final class ConfigKinds {
    public static final List<ConfigKind> ALL = List.of(ConfigKind.CONFIG_KIND_NGINX, ConfigKind.CONFIG_KIND_JANUS,
                                                       ConfigKind.CONFIG_KIND_COTURN);

    public static final String NGINX_FILE = "nginx.conf";
    public static final String COTURN_FILE = "turnserver.conf";
    public static final String JANUS_FILE = "janus.jcfg";
    public static final String JANUS_HTTP_FILE = "janus.transport.http.jcfg";
    public static final String JANUS_VIDEOROOM_FILE = "janus.plugin.videoroom.jcfg";
    public static final String JANUS_STREAMING_FILE = "janus.plugin.streaming.jcfg";
    public static final String JANUS_TEXTROOM_FILE = "janus.plugin.textroom.jcfg";
    public static final String JANUS_EVENTS_FILE = "janus.eventhandler.sampleevh.jcfg";

    private static final String PREFIX = "CONFIG_KIND_";

    private ConfigKinds() {}

    /** CONFIG_KIND_NGINX -> "nginx". */
    public static String name(ConfigKind kind) {
        return kind.name().substring(PREFIX.length()).toLowerCase(Locale.ROOT);
    }

    /** "nginx" -> CONFIG_KIND_NGINX; empty for anything else. */
    public static Optional<ConfigKind> parse(String name) {
        return ALL.stream().filter(kind -> name(kind).equals(name)).findFirst();
    }

    /** {@code kind} if it is one of the three kinds, else INVALID_CONFIG_TARGET. */
    public static ConfigKind check(ConfigKind kind) {
        if (!ALL.contains(kind)) {
            throw new MediameshException(ErrorCode.INVALID_CONFIG_TARGET, "kind must be nginx, janus or coturn.");
        }
        return kind;
    }

    /** The kind a document holds; MISSING_FIELD when it holds none. */
    public static ConfigKind of(ConfigDocument document) {
        return switch (document.getDocumentCase()) {
            case NGINX -> ConfigKind.CONFIG_KIND_NGINX;
            case JANUS -> ConfigKind.CONFIG_KIND_JANUS;
            case COTURN -> ConfigKind.CONFIG_KIND_COTURN;
            case DOCUMENT_NOT_SET -> throw new MediameshException(ErrorCode.MISSING_FIELD, "document is required.");
        };
    }

    /** Every file of a kind: the file its tool is pointed at first, then the others in name order. */
    public static List<String> fileNames(ConfigKind kind) {
        return switch (check(kind)) {
            case CONFIG_KIND_NGINX -> List.of(NGINX_FILE);
            case CONFIG_KIND_COTURN -> List.of(COTURN_FILE);
            default -> List.of(JANUS_FILE, JANUS_EVENTS_FILE, JANUS_STREAMING_FILE, JANUS_TEXTROOM_FILE,
                               JANUS_VIDEOROOM_FILE, JANUS_HTTP_FILE);
        };
    }
}
