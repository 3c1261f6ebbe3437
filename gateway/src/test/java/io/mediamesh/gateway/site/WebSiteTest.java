package io.mediamesh.gateway.site;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.client.BlockingWebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.RequestHeaders;
import io.mediamesh.gateway.browser.SecurityHeaders;
import io.mediamesh.gateway.testing.Mesh;
import io.mediamesh.gateway.testing.Rest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gateway's public port serves the web site: every page route answers index.html with the
 * strict policy (media allowed from the file server players are redirected to), assets carry ETags,
 * revalidate and are compressed, and the API keeps its JSON 404s; the management port has no site.
 */
class WebSiteTest {
    @RegisterExtension
    static final Mesh mesh = new Mesh();

    private final BlockingWebClient site = BlockingWebClient.of(mesh.gatewayUri());

    @ParameterizedTest
    @ValueSource(strings = { "/", "/signin", "/signup", "/u/alice", "/v/42", "/v/42?t=3", "/rooms", "/rooms/video/42",
                             "/rooms/text/42", "/rooms/text/42/transcript",
                             "/streams", "/streams/42" })
    void everyPageRouteAnswersTheIndexWithTheStrictPolicy(String path) {
        AggregatedHttpResponse page = site.get(path);
        assertThat(page.status().code()).isEqualTo(200);
        assertThat(page.contentType().toString()).startsWith("text/html");
        assertThat(page.contentUtf8()).contains("<script type=\"module\" src=\"/assets/js/main.js\">")
                                      .doesNotContain("style=", "<style", "onclick");
        String fileServer = "http://127.0.0.1:" + mesh.filesPort();
        assertThat(page.headers().get("content-security-policy"))
                .isEqualTo(SecurityHeaders.HTML_POLICY + "; media-src 'self' " + fileServer);
        assertThat(page.headers().get("cache-control")).isEqualTo("no-cache");
        assertThat(page.headers().get("etag")).isNotBlank();
        assertThat(page.headers().get("x-frame-options")).isEqualTo("DENY");
    }

    @Test
    void theMediaSourceIsWherePlaybackRedirects() {
        AggregatedHttpResponse redirect = site.get("/stream/videos/7");
        assertThat(redirect.status().code()).isEqualTo(307);
        String location = redirect.headers().get("location");
        String policy = site.get("/v/7").headers().get("content-security-policy");
        assertThat(location).isEqualTo(policy.substring(policy.lastIndexOf(' ') + 1) + "/stream/videos/7");
    }

    @Test
    void aPageRevalidatesWithItsETag() {
        String etag = site.get("/").headers().get("etag");
        AggregatedHttpResponse again = site.execute(RequestHeaders.builder(HttpMethod.GET, "/u/bob")
                                                                  .set("if-none-match", etag).build());
        assertThat(again.status().code()).isEqualTo(304);
    }

    @ParameterizedTest
    @ValueSource(strings = { "/assets/js/main.js", "/assets/js/api.js", "/assets/js/pages/watch.js",
                             "/assets/js/components/tus.js", "/assets/css/site.css", "/assets/icon.svg" })
    void assetsHaveValidatorsAndRevalidate(String path) {
        AggregatedHttpResponse asset = site.get(path);
        assertThat(asset.status().code()).isEqualTo(200);
        assertThat(asset.headers().get("etag")).isNotBlank();
        assertThat(asset.headers().get("cache-control")).isEqualTo("no-cache");
        assertThat(asset.headers().get("x-content-type-options")).isEqualTo("nosniff");
        AggregatedHttpResponse again = site.execute(RequestHeaders.builder(HttpMethod.GET, path)
                                                                  .set("if-none-match", asset.headers().get("etag"))
                                                                  .build());
        assertThat(again.status().code()).isEqualTo(304);
    }

    /** Janus's library and the adapter it needs come from Debian's packages (./mediamesh test installs them). */
    @ParameterizedTest
    @ValueSource(strings = { "/vendor/janus.js", "/vendor/adapter.js" })
    void debiansJanusLibraryIsServedAsAScriptThatRevalidates(String path) {
        AggregatedHttpResponse script = site.get(path);
        assertThat(script.status().code()).isEqualTo(200);
        assertThat(script.contentType().toString()).contains("javascript");
        assertThat(script.headers().get("cache-control")).isEqualTo("no-cache");
        assertThat(script.headers().get("etag")).isNotBlank();
        // Classic scripts defining the globals the room page uses.
        assertThat(script.contentUtf8()).containsAnyOf("global.Janus = factory()", "var adapter = ");
    }

    @Test
    void scriptsAreJavaScriptAndCompressed() throws IOException {
        AggregatedHttpResponse plain = site.get("/assets/js/router.js");
        assertThat(plain.contentType().toString()).contains("javascript");
        AggregatedHttpResponse gzipped = site.execute(RequestHeaders.builder(HttpMethod.GET, "/assets/js/router.js")
                                                                    .set("accept-encoding", "gzip").build());
        assertThat(gzipped.headers().get("content-encoding")).isEqualTo("gzip");
        assertThat(gzipped.content().length()).isLessThan(plain.content().length());
        try (var in = new GZIPInputStream(new ByteArrayInputStream(gzipped.content().array()))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(plain.contentUtf8());
        }
        AggregatedHttpResponse css = site.execute(RequestHeaders.builder(HttpMethod.GET, "/assets/css/site.css")
                                                                .set("accept-encoding", "gzip").build());
        assertThat(css.headers().get("content-encoding")).isEqualTo("gzip");
        // index.html, compressed, is a single small packet.
        AggregatedHttpResponse page = site.execute(RequestHeaders.builder(HttpMethod.GET, "/")
                                                                 .set("accept-encoding", "gzip").build());
        assertThat(page.content().length()).isLessThan(1024);
    }

    /**
     * index.html preloads every module main.js imports, directly or through others, and nothing else:
     * a browser then fetches them all at once instead of one level of imports after another.
     */
    @Test
    void theIndexPreloadsEveryModuleOfTheSite() {
        Set<String> preloaded = new TreeSet<>();
        Matcher links = Pattern.compile("<link rel=\"modulepreload\" href=\"([^\"]+)\">").matcher(site.get("/").contentUtf8());
        while (links.find()) {
            preloaded.add(links.group(1));
        }
        Set<String> imported = new TreeSet<>();
        Deque<String> toRead = new ArrayDeque<>(List.of("/assets/js/main.js"));
        Pattern imports = Pattern.compile("^import [^;]*?'([^']+)';", Pattern.MULTILINE);
        while (!toRead.isEmpty()) {
            String module = toRead.pop();
            AggregatedHttpResponse source = site.get(module);
            assertThat(source.status().code()).as(module).isEqualTo(200);
            Matcher found = imports.matcher(source.contentUtf8());
            while (found.find()) {
                String path = URI.create(module).resolve(found.group(1)).getPath();
                if (imported.add(path)) {
                    toRead.add(path);
                }
            }
        }
        assertThat(imported).isNotEmpty();
        assertThat(preloaded).isEqualTo(imported);
    }

    @ParameterizedTest
    @ValueSource(strings = { "/api/nothing-here", "/api/", "/assets/nothing.js", "/u/", "/v/1/2", "/favicon.ico" })
    void anythingElseIsTheJsonNotFound(String path) {
        new Rest(mesh.gatewayUri()).get(path).expect(404, "NOT_FOUND");
    }

    @Test
    void aPageIsOnlyRead() {
        new Rest(mesh.gatewayUri()).post("/", "{}").expect(405);
    }

    @ParameterizedTest
    @ValueSource(strings = { "/", "/signin", "/u/alice", "/v/1", "/assets/js/main.js" })
    void theManagementPortHasNoSite(String path) {
        new Rest(mesh.managementUri()).get(path).expect(404, "NOT_FOUND");
    }
}
