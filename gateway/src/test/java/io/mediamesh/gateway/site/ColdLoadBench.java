package io.mediamesh.gateway.site;

import com.google.gson.JsonObject;
import com.linecorp.armeria.common.HttpMethod;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.LoadState;
import io.mediamesh.gateway.testing.Browser;
import io.mediamesh.gateway.testing.Rest;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cold-load benchmark of the web site (bench/site-cold-load.sh runs it; not a test): seeds a
 * person with a ready video and a few comments through the REST API of the gateway at the given URL,
 * then opens the home page and that video's watch page, each RUNS times in a fresh Chromium context
 * (empty cache, no cookies), and prints the median of what Chromium itself measured:
 * <ul>
 *   <li>bytes transferred: the sum of the DevTools protocol's {@code encodedDataLength} of every
 *       response (compressed bodies and headers), split into the site (document, scripts, styles,
 *       icon, API calls) and the video bytes the player fetched ({@code preload=metadata});</li>
 *   <li>first contentful paint: {@code performance.getEntriesByType('paint')};</li>
 *   <li>content shown: when the page's list (the home page's cards, the watch page's comments) is
 *       on screen, in ms since the navigation started.</li>
 * </ul>
 * Two untimed loads of each page come first, so that the figures are those of running services.
 * Arguments: the gateway's URL (e.g. http://127.0.0.1:8080) and RUNS (default 9).
 */
public final class ColdLoadBench {
    private static final long HOME_BYTES_GOAL = 150 * 1024;
    private static final double HOME_PAINT_GOAL_MS = 300;

    private ColdLoadBench() {}

    private record Load(long siteBytes, long mediaBytes, int requests, double firstPaintMs, double shownMs) {}

    public static void main(String[] args) throws Exception {
        String base = args.length > 0 ? args[0] : "http://127.0.0.1:8080";
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 9;
        long video = seed(new Rest(base));
        try (Playwright playwright = Playwright.create(new Playwright.CreateOptions()
                                                               .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")))) {
            com.microsoft.playwright.Browser chromium = playwright.chromium().launch(
                    new BrowserType.LaunchOptions().setExecutablePath(Browser.CHROMIUM).setHeadless(true));
            String home = base + "/";
            String watch = base + "/v/" + video;
            // The home page's first card, the watch page's first comment: what a person came for.
            String homeShown = ".cards .card";
            String watchShown = ".comment-list .comment";
            for (int i = 0; i < 2; i++) {
                load(chromium, home, homeShown);
                load(chromium, watch, watchShown);
            }
            List<Load> homeLoads = new ArrayList<>();
            List<Load> watchLoads = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                homeLoads.add(load(chromium, home, homeShown));
                watchLoads.add(load(chromium, watch, watchShown));
            }
            System.out.printf(Locale.ROOT, "cold loads of %s, median of %d, each in a fresh Chromium context%n", base, runs);
            Load homeMedian = report("home  /", homeLoads);
            report("watch /v/" + video, watchLoads);
            boolean met = homeMedian.siteBytes() + homeMedian.mediaBytes() < HOME_BYTES_GOAL &&
                          homeMedian.firstPaintMs() < HOME_PAINT_GOAL_MS;
            System.out.printf(Locale.ROOT, "goal for the home page (< %d KB, first contentful paint < %.0f ms): %s%n",
                              HOME_BYTES_GOAL / 1024, HOME_PAINT_GOAL_MS, met ? "met" : "MISSED");
        }
    }

    /** A person with a ready video (the ffmpeg clip of the browser tests) and three comments on it. */
    private static long seed(Rest rest) throws Exception {
        SiteBrowserTest.makeClip();
        String name = "cold_" + Long.toHexString(System.nanoTime() & 0xffffffL);
        String session = rest.register(name);
        long video = rest.createVideo(session, name, "Cold load");
        rest.sendBytes(HttpMethod.POST, "/upload/videos/" + video, Files.readAllBytes(SiteBrowserTest.CLIP),
                       "X-Session-Id", session, "content-type", "video/webm").expect(200, "ok");
        for (int i = 1; i <= 3; i++) {
            rest.postComment(session, video, "Comment " + i);
        }
        return video;
    }

    private static Load load(com.microsoft.playwright.Browser chromium, String url, String shown) {
        BrowserContext context = chromium.newContext(new com.microsoft.playwright.Browser.NewContextOptions()
                                                             .setViewportSize(1280, 800));
        try {
            Page page = context.newPage();
            CDPSession devTools = context.newCDPSession(page);
            Map<String, String> urls = new ConcurrentHashMap<>();
            Map<String, Long> sizes = new ConcurrentHashMap<>();
            devTools.on("Network.responseReceived", event -> urls.put(event.get("requestId").getAsString(),
                    event.getAsJsonObject("response").get("url").getAsString()));
            devTools.on("Network.loadingFinished", event -> finished(sizes, event));
            // A media request the player drops once it has the metadata ends as failed, its bytes counted.
            devTools.on("Network.loadingFailed", event -> sizes.putIfAbsent(event.get("requestId").getAsString(), 0L));
            devTools.on("Network.dataReceived", event -> sizes.merge(event.get("requestId").getAsString() + "#partial",
                    event.get("encodedDataLength").getAsLong(), Long::sum));
            devTools.send("Network.enable");
            page.navigate(url);
            page.locator(shown).first().waitFor();
            double shownMs = ((Number) page.evaluate("() => performance.now()")).doubleValue();
            page.waitForLoadState(LoadState.NETWORKIDLE);
            double firstPaint = ((Number) page.evaluate(
                    "() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1")).doubleValue();
            long site = 0;
            long media = 0;
            int requests = 0;
            for (Map.Entry<String, String> response : urls.entrySet()) {
                Long size = sizes.get(response.getKey());
                long bytes = size == null || size == 0 ? sizes.getOrDefault(response.getKey() + "#partial", 0L) : size;
                requests++;
                if (response.getValue().contains("/stream/videos/")) {
                    media += bytes;
                } else {
                    site += bytes;
                }
            }
            return new Load(site, media, requests, firstPaint, shownMs);
        } finally {
            context.close();
        }
    }

    private static void finished(Map<String, Long> sizes, JsonObject event) {
        sizes.put(event.get("requestId").getAsString(), event.get("encodedDataLength").getAsLong());
    }

    private static Load report(String label, List<Load> loads) {
        Load median = new Load(median(loads.stream().mapToDouble(Load::siteBytes).toArray()).longValue(),
                               median(loads.stream().mapToDouble(Load::mediaBytes).toArray()).longValue(),
                               median(loads.stream().mapToDouble(Load::requests).toArray()).intValue(),
                               median(loads.stream().mapToDouble(Load::firstPaintMs).toArray()),
                               median(loads.stream().mapToDouble(Load::shownMs).toArray()));
        System.out.printf(Locale.ROOT,
                          "  %-16s %6.1f KB site + %6.1f KB video bytes, %2d requests, first contentful paint %6.1f ms" +
                          " (min %.1f, max %.1f), content shown %6.1f ms%n",
                          label, median.siteBytes() / 1024.0, median.mediaBytes() / 1024.0, median.requests(),
                          median.firstPaintMs(), loads.stream().mapToDouble(Load::firstPaintMs).min().orElse(0),
                          loads.stream().mapToDouble(Load::firstPaintMs).max().orElse(0), median.shownMs());
        return median;
    }

    private static Double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
