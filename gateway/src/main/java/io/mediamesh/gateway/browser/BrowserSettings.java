package io.mediamesh.gateway.browser;

import com.typesafe.config.Config;
import java.util.List;
import java.util.regex.Pattern;

/**
 * How the gateway treats browsers, from its {@code browser} block.
 *
 * @param secureCookies mark the session cookie Secure on plain-HTTP requests too (TLS ends at a proxy)
 * @param siteOrigins origins besides the gateway's own whose requests are the site's own
 * @param janusOrigins origins of the media servers' Janus HTTP APIs (rooms' server_url), which the
 *        site's pages may connect to besides the site itself
 * @param iceTransportPolicy which ICE candidates the video room pages use (join answers carry it)
 */
public record BrowserSettings(boolean secureCookies, List<String> siteOrigins, List<String> janusOrigins,
                              IceTransportPolicy iceTransportPolicy) {
    /** scheme://host[:port] and nothing else: it goes into the Content-Security-Policy as it is. */
    static final Pattern ORIGIN = Pattern.compile("https?://[A-Za-z0-9.\\[\\]:-]+");

    public BrowserSettings {
        for (String origin : janusOrigins) {
            if (!ORIGIN.matcher(origin).matches()) {
                throw new IllegalArgumentException("gateway.browser.janus-origins takes scheme://host[:port], got " +
                                                   origin);
            }
        }
        siteOrigins = List.copyOf(siteOrigins);
        janusOrigins = List.copyOf(janusOrigins);
    }

    public static BrowserSettings from(Config browser) {
        return new BrowserSettings(browser.getBoolean("secure-cookies"), browser.getStringList("site-origins"),
                                   browser.getStringList("janus-origins"),
                                   IceTransportPolicy.of(browser.getString("ice-transport-policy")));
    }
}
