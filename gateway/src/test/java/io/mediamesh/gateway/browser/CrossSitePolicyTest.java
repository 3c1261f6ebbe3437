package io.mediamesh.gateway.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The pure decision: which requests are cross-site forgeries. */
class CrossSitePolicyTest {
    private static final String SITE = "127.0.0.1:8080";
    private final CrossSitePolicy policy = new CrossSitePolicy(List.of("https://media.example.com"));

    private static RequestHeadersBuilder request(HttpMethod method, String... headers) {
        RequestHeadersBuilder builder = RequestHeaders.builder(method, "/api/videos/1").authority(SITE);
        for (int i = 0; i < headers.length; i += 2) {
            builder.add(headers[i], headers[i + 1]);
        }
        return builder;
    }

    private boolean allows(HttpMethod method, String... headers) {
        return policy.allows(request(method, headers).build(), false);
    }

    @ParameterizedTest
    @EnumSource(value = HttpMethod.class, names = { "POST", "PUT", "PATCH", "DELETE" })
    void aCookieRequestFromAnotherSiteWithAFormContentTypeIsForbidden(HttpMethod method) {
        for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x")) {
            assertThat(allows(method, "cookie", "session=s", "origin", "http://evil.example", "content-type", type))
                    .as(type).isFalse();
            assertThat(allows(method, "cookie", "session=s", "sec-fetch-site", "cross-site", "content-type", type))
                    .as(type).isFalse();
            // A sibling site is not the site.
            assertThat(allows(method, "cookie", "session=s", "sec-fetch-site", "same-site", "content-type", type))
                    .as(type).isFalse();
        }
        // Neither header: not shown to be the site's own.
        assertThat(allows(method, "cookie", "session=s", "content-type", "text/plain")).isFalse();
        assertThat(allows(method, "cookie", "session=s")).isFalse();
        assertThat(allows(method, "cookie", "session=s", "origin", "null")).isFalse();
    }

    @Test
    void theSiteItselfMayUseTheCookie() {
        assertThat(allows(HttpMethod.DELETE, "cookie", "session=s", "sec-fetch-site", "same-origin")).isTrue();
        assertThat(allows(HttpMethod.DELETE, "cookie", "session=s", "sec-fetch-site", "none")).isTrue();
        assertThat(allows(HttpMethod.DELETE, "cookie", "session=s", "origin", "http://127.0.0.1:8080")).isTrue();
        assertThat(allows(HttpMethod.POST, "cookie", "session=s", "origin", "HTTP://127.0.0.1:8080",
                          "content-type", "multipart/form-data; boundary=x")).isTrue();
        assertThat(allows(HttpMethod.DELETE, "cookie", "session=s", "origin", "https://media.example.com")).isTrue();
        assertThat(allows(HttpMethod.DELETE, "cookie", "session=s", "origin", "https://media.example.com:443")).isTrue();
        // The scheme is part of the origin: this request came over plain HTTP.
        assertThat(allows(HttpMethod.DELETE, "cookie", "session=s", "origin", "https://127.0.0.1:8080")).isFalse();
        assertThat(policy.allows(request(HttpMethod.DELETE, "cookie", "session=s", "origin", "https://127.0.0.1:8080")
                                         .build(), true)).isTrue();
        // Sec-Fetch-Site, which a page cannot forge, decides over Origin.
        assertThat(allows(HttpMethod.DELETE, "cookie", "session=s", "sec-fetch-site", "cross-site",
                          "origin", "http://127.0.0.1:8080")).isFalse();
    }

    @Test
    void jsonAndTusContentTypesCannotBeSentCrossSiteWithoutAPreflight() {
        assertThat(allows(HttpMethod.POST, "cookie", "session=s", "sec-fetch-site", "cross-site",
                          "content-type", "application/json; charset=utf-8")).isTrue();
        assertThat(allows(HttpMethod.POST, "cookie", "session=s", "origin", "http://evil.example",
                          "content-type", "application/merge-patch+json")).isTrue();
        assertThat(allows(HttpMethod.PATCH, "cookie", "session=s", "origin", "http://evil.example",
                          "content-type", "application/offset+octet-stream")).isTrue();
        assertThat(allows(HttpMethod.POST, "cookie", "session=s", "origin", "http://evil.example",
                          "tus-resumable", "1.0.0", "upload-length", "10")).isTrue();
    }

    @Test
    void theSessionHeaderCannotBeForgedCrossSite() {
        assertThat(allows(HttpMethod.DELETE, "x-session-id", "s", "sec-fetch-site", "cross-site",
                          "origin", "http://evil.example", "content-type", "text/plain")).isTrue();
        // The header wins over a cookie sent beside it: the cookie is not what authenticates.
        assertThat(allows(HttpMethod.DELETE, "x-session-id", "s", "cookie", "session=t",
                          "origin", "http://evil.example", "content-type", "text/plain")).isTrue();
    }

    @Test
    void safeMethodsAreNeverRefused() {
        for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS)) {
            assertThat(allows(method, "cookie", "session=s", "origin", "http://evil.example",
                              "sec-fetch-site", "cross-site")).isTrue();
        }
    }

    @Test
    void aWebSocketHandshakeWithTheCookieMustComeFromTheSite() {
        assertThat(allows(HttpMethod.GET, "cookie", "session=s", "upgrade", "websocket",
                          "origin", "http://evil.example")).isFalse();
        assertThat(allows(HttpMethod.GET, "cookie", "session=s", "upgrade", "websocket",
                          "origin", "http://evil.example", "content-type", "application/json")).isFalse();
        assertThat(allows(HttpMethod.GET, "cookie", "session=s", "upgrade", "websocket",
                          "origin", "http://127.0.0.1:8080")).isTrue();
        assertThat(allows(HttpMethod.CONNECT, "cookie", "session=s", "origin", "http://evil.example")).isFalse();
    }

    @Test
    void withoutASessionOnlyWhatABrowserSaysComesFromElsewhereIsRefused() {
        // curl: no Origin, no Sec-Fetch-Site.
        assertThat(allows(HttpMethod.POST, "content-type", "application/x-www-form-urlencoded")).isTrue();
        // Another site signing the visitor in to an account of its choosing.
        assertThat(allows(HttpMethod.POST, "origin", "http://evil.example", "content-type", "text/plain")).isFalse();
        assertThat(allows(HttpMethod.POST, "sec-fetch-site", "cross-site", "content-type", "text/plain")).isFalse();
        assertThat(allows(HttpMethod.POST, "origin", "http://127.0.0.1:8080", "content-type", "text/plain")).isTrue();
    }

    @Test
    void configuredSiteOriginsMustBeOrigins() {
        assertThatThrownBy(() -> new CrossSitePolicy(List.of("https://media.example.com/app")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CrossSitePolicy(List.of("media.example.com")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
