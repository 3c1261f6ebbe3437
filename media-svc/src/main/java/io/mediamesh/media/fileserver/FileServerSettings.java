package io.mediamesh.media.fileserver;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * media-svc's HTTP file server, from {@code mediamesh.media-svc.file-server}: where it listens, its
 * token pools and what it tells caches.
 *
 * @param eventLoops I/O threads; 0 = one per core
 * @param idleTimeout longest a transfer may make no progress before its connection is closed
 * @param streamTokens playbacks (GET of a video's bytes) in flight at once
 * @param uploadTokens uploads (plain POST and tus PATCH) in flight at once
 * @param clientShare the part of each pool one client may hold
 * @param retryAfter what a 429 tells the client to wait
 * @param trustedProxies peers whose {@code X-Forwarded-For} names the client (a load balancer in front)
 * @param cacheControl the Cache-Control of a video's bytes
 */
public record FileServerSettings(String host, int port, int eventLoops, Duration idleTimeout, int streamTokens,
                                 int uploadTokens, double clientShare, Duration retryAfter,
                                 List<InetAddress> trustedProxies, String cacheControl) {
    public FileServerSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("file-server.port must be a port number (0: any free one)");
        }
        if (eventLoops < 0) {
            throw new IllegalArgumentException("file-server.event-loops must not be negative");
        }
        trustedProxies = List.copyOf(trustedProxies);
    }

    public static FileServerSettings from(Config c) {
        Config limiter = c.getConfig("limiter");
        return new FileServerSettings(c.getString("host"), c.getInt("port"), c.getInt("event-loops"),
                                      c.getDuration("idle-timeout"), limiter.getInt("stream-tokens"),
                                      limiter.getInt("upload-tokens"), limiter.getDouble("client-share"),
                                      limiter.getDuration("retry-after"),
                                      proxies(c).stream().map(FileServerSettings::address).toList(),
                                      c.getString("cache-control"));
    }

    public FileServerSettings withPort(int other) {
        return new FileServerSettings(host, other, eventLoops, idleTimeout, streamTokens, uploadTokens, clientShare,
                                      retryAfter, trustedProxies, cacheControl);
    }

    /** A list, or a comma-separated string (as an environment variable gives it). */
    private static List<String> proxies(Config c) {
        if (c.getValue("trusted-proxies").valueType() == ConfigValueType.STRING) {
            return Arrays.stream(c.getString("trusted-proxies").split(",")).map(String::trim)
                         .filter(s -> !s.isEmpty()).toList();
        }
        return c.getStringList("trusted-proxies");
    }

    private static InetAddress address(String literal) {
        try {
            // Literal addresses only: a name would be looked up, and could change under us.
            if (!literal.matches("[0-9a-fA-F.:]+")) {
                throw new IllegalArgumentException("file-server.trusted-proxies takes IP addresses: " + literal);
            }
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("Not an IP address in file-server.trusted-proxies: " + literal, e);
        }
    }
}
