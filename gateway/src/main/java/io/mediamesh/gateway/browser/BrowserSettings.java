package io.mediamesh.gateway.browser;

import com.typesafe.config.Config;
import java.util.List;

/**
 * How the gateway treats browsers, from its {@code browser} block.
 *
 * @param secureCookies mark the session cookie Secure on plain-HTTP requests too (TLS ends at a proxy)
 * @param siteOrigins origins besides the gateway's own whose requests are the site's own
 */
public record BrowserSettings(boolean secureCookies, List<String> siteOrigins) {
    public static BrowserSettings from(Config browser) {
        return new BrowserSettings(browser.getBoolean("secure-cookies"), browser.getStringList("site-origins"));
    }
}
