package io.mediamesh.media.fileserver;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mediamesh.common.error.MediameshException;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

/** The file server's rule against cross-site uploads made with the session cookie. */
class CrossSiteRuleTest {
    private static HttpHeaders cookie() {
        return new DefaultHttpHeaders().add("Cookie", "session=abc").add("Host", "videos.example:8081");
    }

    @Test
    void aCookieFormPostFromAnotherSiteIsRefused() {
        assertThatThrownBy(() -> CrossSiteRule.check(cookie().add("Content-Type", "text/plain")
                                                             .add("Sec-Fetch-Site", "cross-site")))
                .isInstanceOf(MediameshException.class).hasMessageContaining("another site");
        assertThatThrownBy(() -> CrossSiteRule.check(cookie().add("Origin", "https://evil.example")))
                .isInstanceOf(MediameshException.class);
    }

    @Test
    void theSiteItselfAVideoBodyAHeaderSessionOrNoBrowserPass() {
        assertThatCode(() -> CrossSiteRule.check(cookie().add("Sec-Fetch-Site", "same-site"))).doesNotThrowAnyException();
        assertThatCode(() -> CrossSiteRule.check(cookie().add("Origin", "http://videos.example:8080")))
                .doesNotThrowAnyException();
        assertThatCode(() -> CrossSiteRule.check(cookie().add("Content-Type", "video/mp4")
                                                         .add("Sec-Fetch-Site", "cross-site")))
                .doesNotThrowAnyException();
        assertThatCode(() -> CrossSiteRule.check(new DefaultHttpHeaders().add("X-Session-Id", "abc")
                                                                         .add("Origin", "https://evil.example")))
                .doesNotThrowAnyException();
        assertThatCode(() -> CrossSiteRule.check(cookie())).doesNotThrowAnyException();
    }
}
