package io.mediamesh.gateway.site;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.playwright.Page;
import io.mediamesh.api.v1.MediaServer;
import io.mediamesh.api.v1.MediaServerRole;
import io.mediamesh.gateway.testing.Browser.Viewport;
import io.mediamesh.gateway.testing.Rest;
import io.mediamesh.gateway.testing.RoomSite;
import io.mediamesh.media.janus.JanusClient;
import io.mediamesh.media.testing.JanusInstance;
import io.mediamesh.media.testing.JanusProbe;
import io.mediamesh.media.testing.RoomMesh;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Glass-to-glass latency of a live stream (bench/stream-latency.sh runs it; not a test: surefire
 * picks up *Test classes only). One ffmpeg encodes a test pattern whose top 48 rows carry the frame
 * number as 16 black or white blocks, twice: into the mesh's ingest (origin -> relay -> edge) and
 * straight into a Streaming mountpoint on the origin's Janus (a single Janus). One Chromium page
 * plays both with the site's own janus.js component and, for every frame it is about to show
 * (requestVideoFrameCallback's expectedDisplayTime), reads the blocks back from a canvas: latency is
 * that display time minus the time the frame was due (ffmpeg's start + frame / 30 s, ffmpeg pacing
 * with -re; its start is read off its own progress reports, so its start-up does not count). It
 * prints the median and p95 of each path; their difference is the mesh's own cost.
 */
class StreamLatencyBench {
    private static final int SECONDS = 20;
    private static final int BASELINE_MOUNTPOINT = 4242;
    /** Where the figures are also written, for bench/stream-latency.sh. */
    static final Path FIGURES = Path.of("target", "stream-latency.txt");

    @RegisterExtension
    static final RoomSite site = RoomSite.over(new RoomMesh().withBrowserMedia());

    /** Plays two mountpoints for the given seconds; for each, [when shown (epoch ms), frame number] per frame. */
    private static final String MEASURE = """
            async ([edgeUrl, edgeId, singleUrl, singleId, seconds]) => {
              const { watchMountpoint } = await import('/assets/js/components/janus.js');
              const measure = async (url, id) => {
                const watching = await watchMountpoint(url, id);
                const video = document.createElement('video');
                video.muted = true;
                video.srcObject = watching.media;
                document.body.append(video);
                await video.play();
                const canvas = document.createElement('canvas');
                canvas.width = 640;
                canvas.height = 48;
                const context = canvas.getContext('2d', { willReadFrequently: true });
                const shown = [];
                const until = performance.now() + seconds * 1000;
                await new Promise((resolve) => {
                  const frame = (now, metadata) => {
                    context.drawImage(video, 0, 0, 640, 48, 0, 0, 640, 48);
                    const pixels = context.getImageData(0, 0, 640, 48).data;
                    let number = 0;
                    for (let bit = 0; bit < 16; bit++) {
                      if (pixels[(24 * 640 + 20 + 40 * bit) * 4] > 128) number += 2 ** bit;
                    }
                    shown.push([performance.timeOrigin + metadata.expectedDisplayTime, number]);
                    if (performance.now() < until) video.requestVideoFrameCallback(frame); else resolve();
                  };
                  video.requestVideoFrameCallback(frame);
                });
                watching.session.destroy({ notifyDestroyed: false });
                return shown;
              };
              return Promise.all([measure(edgeUrl, edgeId), measure(singleUrl, singleId)]);
            }
            """;

    @Test
    void glassToGlassThroughOriginRelayEdgeAgainstASingleJanus() throws Exception {
        Rest rest = site.rest();
        String session = rest.register("bench_owner");
        JsonNode created = rest.post("/api/streams", Rest.json("name", "Latency", "video", true),
                                     "X-Session-Id", session).expect(201, "ok").body();
        long id = created.get("stream_id").asLong();
        JsonNode ingest = created.get("ingest").get("ports").get(0);
        rest.post("/api/streams/" + id + "/forward", "", "X-Session-Id", session).expect(200, "ok");
        JsonNode watch = rest.post("/api/streams/" + id + "/watch", "").expect(200, "ok").body();

        MediaServer origin = site.mesh().servers().stream()
                                 .filter(s -> s.getRole() == MediaServerRole.MEDIA_SERVER_ROLE_ORIGIN)
                                 .findFirst().orElseThrow();
        int singlePort = JanusInstance.freePort();
        JanusProbe janus = new JanusProbe(site.mesh().janusOf(origin.getId()).apiUrl());
        ObjectNode create = JanusProbe.body("create");
        create.put("admin_key", site.mesh().janusConfig(MediaServerRole.MEDIA_SERVER_ROLE_ORIGIN).getStreaming()
                                    .getAdminKey())
              .put("type", "rtp").put("id", BASELINE_MOUNTPOINT).put("description", "single Janus");
        create.putArray("media").addObject().put("type", "video").put("mid", "v").put("port", singlePort)
              .put("pt", 96).put("codec", "vp8").put("iface", "127.0.0.1");
        assertThat(janus.request(janus.attach(JanusClient.STREAMING), create).path("error_code").isMissingNode())
                .as("baseline mountpoint created").isTrue();

        List<String> vp8 = List.of("-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-lag-in-frames", "0",
                                   "-b:v", "1M", "-g", "30",
                                   "-payload_type", "96", "-f", "rtp");
        List<String> args = new ArrayList<>(List.of("ffmpeg", "-nostdin",
                "-re", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30",
                "-re", "-f", "lavfi", "-i", "color=c=black:size=640x48:rate=30",
                "-filter_complex", "[1:v]geq=lum='if(bitand(N,pow(2,floor(X/40))),235,16)':cb=128:cr=128[bar];" +
                                   "[0:v][bar]overlay=0:0,split[mesh][single]",
                "-map", "[mesh]", "-ssrc", ingest.get("ssrc").asText()));
        args.addAll(vp8);
        args.add("rtp://" + created.get("ingest").get("host").asText() + ':' + ingest.get("port").asInt() +
                 "?rtcpport=" + ingest.get("rtcp_port").asInt());
        args.addAll(List.of("-map", "[single]", "-ssrc", "4242"));
        args.addAll(vp8);
        args.add("rtp://127.0.0.1:" + singlePort);
        // ffmpeg reports each frame it has sent (-progress): its start is the earliest report's time
        // less that frame's due time, free of its own start-up.
        args.addAll(1, List.of("-progress", "pipe:1", "-stats_period", "0.1"));
        Path log = Files.createTempFile("mediamesh-bench-ffmpeg-", ".log");
        Process ffmpeg = new ProcessBuilder(args).redirectError(log.toFile()).start();
        AtomicLong start = new AtomicLong(Long.MAX_VALUE);
        Thread progress = new Thread(() -> readProgress(ffmpeg, start), "ffmpeg progress");
        progress.start();
        try {
            Page page = site.browser().person(Viewport.DESKTOP).newPage();
            page.navigate(site.origin() + "/streams");
            // Let the encoder and every tier settle before counting.
            page.waitForTimeout(3000);
            // Numbers cross to the page as doubles (Playwright takes no long); these fit in 53 bits.
            List<?> both = (List<?>) page.evaluate(MEASURE, List.of(watch.get("server_url").asText(),
                    watch.get("mountpoint_id").asDouble(), origin.getEndpoints().getPublicJanusUrl(),
                    BASELINE_MOUNTPOINT, SECONDS));
            String figures = figures("origin -> relay -> edge", (List<?>) both.get(0), start.get()) +
                             figures("single Janus", (List<?>) both.get(1), start.get());
            System.out.print(figures);
            Files.writeString(FIGURES, figures);
        } finally {
            ffmpeg.destroy();
            ffmpeg.waitFor(10, TimeUnit.SECONDS);
            progress.join(10_000);
            Files.deleteIfExists(log);
        }
    }

    /** Keeps in {@code start} the earliest (report time - due time of the frame reported), in epoch ms. */
    private static void readProgress(Process ffmpeg, AtomicLong start) {
        try (var lines = new BufferedReader(new InputStreamReader(ffmpeg.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith("frame=")) {
                    long now = System.currentTimeMillis();
                    long frame = Long.parseLong(line.substring("frame=".length()).trim());
                    start.accumulateAndGet(now - frame * 1000 / 30, Math::min);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** "path: N frames, median X ms, p95 Y ms" and a line end. */
    private static String figures(String path, List<?> frames, long start) {
        double[] sorted = frames.stream().map(frame -> (List<?>) frame).mapToDouble(
                frame -> ((Number) frame.get(0)).doubleValue() - (start + ((Number) frame.get(1)).doubleValue() * 1000 / 30))
                .sorted().toArray();
        assertThat(sorted).as("frames measured on %s", path).hasSizeGreaterThan(100);
        return String.format("%s: %d frames, median %.0f ms, p95 %.0f ms%n", path, sorted.length,
                             sorted[sorted.length / 2], sorted[(int) Math.ceil(sorted.length * 0.95) - 1]);
    }
}
