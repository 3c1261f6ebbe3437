package io.mediamesh.gateway.site;

import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ServerCacheControl;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.HttpStatusException;
import com.linecorp.armeria.server.VirtualHostBuilder;
import com.linecorp.armeria.server.encoding.EncodingService;
import com.linecorp.armeria.server.file.FileService;
import com.linecorp.armeria.server.file.HttpFile;
import io.mediamesh.gateway.http.Compression;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The web site on the public port: its pages are one index.html whose ES modules render the page the
 * path names, so every route of the site answers that file (a deep link reloads to the right page),
 * and its scripts and styles are under {@code /assets/}. The files are classpath resources of the
 * {@code web} module.
 *
 * <p>Names are not content-hashed (there is no build step), so every file is {@code no-cache} with an
 * ETag: a browser keeps it and revalidates it, which costs a 304 while it is the same and picks up a
 * new release at once. Text is compressed on the way out (gzip or deflate; brotli when its native
 * library loads).
 */
public final class WebSite {
    /** The routes of the site's pages; anything else under /api, /stream, /upload stays the API's. */
    public static final List<String> PAGES = List.of("/", "/signin", "/signup", "/u/{name}", "/v/{vid}", "/admin", "/admin/{view}",
                                                     "/rooms", "/rooms/video/{room}",
                                                     "/rooms/text/{room}", "/rooms/text/{room}/transcript",
                                                     "/streams", "/streams/{id}");
    public static final String ASSETS = "/assets/";
    /**
     * Janus's own browser library and the WebRTC adapter it needs, served from where Debian's
     * {@code libjs-janus-gateway} and {@code libjs-webrtc-adapter} install them rather than copied into
     * the build: the site then runs the Janus library of the Janus release installed beside it, with
     * the distribution's security updates, and the build needs neither package. Without them these
     * answer 404 and the room pages say which package is missing.
     */
    public static final Map<String, Path> DEBIAN_SCRIPTS = Map.of(
            "/vendor/janus.js", Path.of("/usr/share/javascript/janus-gateway/janus.js"),
            "/vendor/adapter.js", Path.of("/usr/share/javascript/webrtc-adapter/adapter.js"));

    private static final String ROOT = "io/mediamesh/web";
    private static final ServerCacheControl REVALIDATE = ServerCacheControl.builder().noCache().build();

    private WebSite() {}

    /** Adds the pages and assets to {@code site}, the public port's virtual host. */
    public static void addTo(VirtualHostBuilder site) {
        Function<? super HttpService, EncodingService> compressed = Compression.decorator();
        ClassLoader classLoader = WebSite.class.getClassLoader();
        HttpService index = HttpFile.builder(classLoader, ROOT + "/index.html")
                                    .contentType(MediaType.HTML_UTF_8)
                                    .cacheControl(REVALIDATE)
                                    .build()
                                    .asService();
        for (String page : PAGES) {
            site.route().methods(HttpMethod.GET, HttpMethod.HEAD).path(page)
                .decorator(compressed).build(index);
        }
        FileService assets = FileService.builder(classLoader, ROOT + "/assets")
                                        .autoIndex(false)
                                        .cacheControl(REVALIDATE)
                                        .build();
        // A missing file gets the site's JSON 404, as any other unknown path.
        HttpService assetsOrNotFound = assets.orElse((ctx, req) -> {
            throw HttpStatusException.of(HttpStatus.NOT_FOUND);
        });
        site.route().methods(HttpMethod.GET, HttpMethod.HEAD).pathPrefix(ASSETS)
            .decorator(compressed).build(assetsOrNotFound);
        DEBIAN_SCRIPTS.forEach((path, file) -> site.route().methods(HttpMethod.GET, HttpMethod.HEAD).path(path)
                                                   .decorator(compressed)
                                                   .build(HttpFile.builder(file).contentType(MediaType.JAVASCRIPT_UTF_8)
                                                                  .cacheControl(REVALIDATE).build().asService()));
    }
}
