package io.mediamesh.gateway;

import com.typesafe.config.Config;
import java.net.URI;
import java.time.Duration;

/**
 * Where video bytes are, from {@code mediamesh.gateway.files} and {@code mediamesh.endpoints.media-files}:
 * media-svc's file server, which serves playback itself (players are sent there) and takes the
 * uploads this gateway passes on.
 *
 * @param endpoint host:port of the file server, as this gateway reaches it
 * @param publicUrl where players reach it (scheme, host, port, no path); empty: the host the player
 *        asked this gateway by, at the endpoint's port
 * @param stallTimeout how long the file server may take none of an upload's bytes before the gateway
 *        gives up on the upload
 */
public record GatewayFileSettings(String endpoint, String publicUrl, Duration stallTimeout) {
    public GatewayFileSettings {
        if (!publicUrl.isEmpty()) {
            URI uri = URI.create(publicUrl);
            if (uri.getScheme() == null || uri.getHost() == null || !(uri.getPath() == null || uri.getPath().isEmpty())) {
                throw new IllegalArgumentException("gateway.files.public-url must be scheme://host[:port], got " +
                                                   publicUrl);
            }
        }
    }

    public static GatewayFileSettings from(Config root) {
        Config files = root.getConfig("mediamesh.gateway.files");
        return new GatewayFileSettings(root.getString("mediamesh.endpoints.media-files"),
                                       files.getString("public-url"), files.getDuration("stall-timeout"));
    }

    /** The file server's port, for a public URL on the player's own host. */
    public int endpointPort() {
        return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
    }

    /**
     * The origin players fetch video bytes from: the configured public URL, or the host the browser
     * asked this gateway by (its {@code authority}, possibly null) with the file server's port. The
     * playback redirect points there, and the site's Content-Security-Policy lets media come from it.
     */
    public String publicOrigin(String authority) {
        if (!publicUrl.isEmpty()) {
            return publicUrl;
        }
        String host = authority == null ? "127.0.0.1" : authority.replaceFirst(":\\d+$", "");
        return "http://" + host + ':' + endpointPort();
    }
}
