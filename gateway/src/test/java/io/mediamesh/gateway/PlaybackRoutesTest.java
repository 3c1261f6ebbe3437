package io.mediamesh.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.client.BlockingWebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import io.mediamesh.gateway.testing.FileTransfers;
import io.mediamesh.gateway.testing.FileTransfers.Answer;
import io.mediamesh.gateway.testing.Mesh;
import io.mediamesh.gateway.testing.Rest;
import io.mediamesh.media.testing.TestVideos;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** GET/HEAD /stream/videos/:vid through the gateway: ranges and conditional requests per RFC 9110. */
class PlaybackRoutesTest {
    @RegisterExtension
    static final Mesh mesh = new Mesh();

    private static final int SIZE = 3 * 1024 * 1024 + 123;
    private static final byte[] VIDEO = TestVideos.mp4(SIZE, 42);
    private static final String SHA256 = TestVideos.sha256(VIDEO);
    private static String vid;
    private static String etag;

    private final FileTransfers files = new FileTransfers(mesh);

    @BeforeAll
    static void uploadOneVideo() {
        Rest rest = mesh.rest();
        String session = rest.register("stream_owner");
        vid = Long.toString(rest.createVideo(session, "stream_owner", "A stream"));
        Answer answer = new FileTransfers(mesh).upload(session, vid, VIDEO);
        assertThat(answer.status()).as("upload: %s", answer.body()).isEqualTo(200);
        etag = '"' + SHA256 + '"';
    }

    @Test
    void theUploadAnswersAndMarksTheVideoReady() {
        JsonNode video = mesh.rest().get("/api/videos/" + vid).expect(200, "ok").body().get("video");
        assertThat(video.get("state").asText()).isEqualTo("ready");
        assertThat(video.get("size").asLong()).isEqualTo(SIZE);
        assertThat(video.get("sha256").asText()).isEqualTo(SHA256);
    }

    @Test
    void theWholeFileIsByteIdenticalWithItsHeaders() {
        AggregatedHttpResponse response = files.get(vid);
        assertThat(response.status().code()).isEqualTo(200);
        assertThat(TestVideos.sha256(response.content().array())).isEqualTo(SHA256);
        assertThat(response.headers().get("accept-ranges")).isEqualTo("bytes");
        assertThat(response.headers().get("etag")).isEqualTo(etag);
        assertThat(response.headers().get("content-type")).isEqualTo("video/mp4");
        assertThat(response.headers().contentLength()).isEqualTo(SIZE);
        assertThat(response.headers().get("last-modified")).endsWith("GMT");
        assertThat(response.headers().get("content-range")).isNull();
        // Caches may keep the bytes but must revalidate: a new upload or a deletion is seen at once.
        assertThat(response.headers().get("cache-control")).isEqualTo("public, no-cache");
    }

    @Test
    void theGatewaySendsPlayersToTheFileServerKeepingMethodAndHeaders() {
        AggregatedHttpResponse redirect = BlockingWebClient.of("http://127.0.0.1:" + mesh.gatewayPort())
                                                           .get("/stream/videos/" + vid);
        assertThat(redirect.status().code()).isEqualTo(307);
        assertThat(redirect.headers().get("location"))
                .isEqualTo("http://127.0.0.1:" + mesh.filesPort() + "/stream/videos/" + vid);
    }

    @Test
    void aDeletedVideoIsNotServedFromTheMomentItsDeletionWasAccepted() {
        Rest rest = mesh.rest();
        String session = rest.register("stream_deleted");
        long id = rest.createVideo(session, "stream_deleted", "soon gone");
        assertThat(files.upload(session, Long.toString(id), TestVideos.mp4(100_000, 43)).status()).isEqualTo(200);
        assertThat(files.get(Long.toString(id)).status().code()).isEqualTo(200);

        rest.delete("/api/videos/" + id, "X-Session-Id", session).expect(204);
        // The file waits for the scheduler (not running here), but nobody gets it any more.
        assertThat(files.onDisk(id)).isNotEmpty();
        AggregatedHttpResponse gone = files.get(Long.toString(id));
        assertThat(gone.status().code()).isEqualTo(404);
        assertThat(gone.contentUtf8()).contains("VIDEO_NOT_FOUND");
        assertThat(gone.headers().get("cache-control")).isEqualTo("no-store");
        assertThat(files.stream(HttpMethod.HEAD, Long.toString(id)).status().code()).isEqualTo(404);
    }

    @Test
    void theFirstByte() {
        AggregatedHttpResponse response = files.get(vid, "Range", "bytes=0-0");
        assertThat(response.status().code()).isEqualTo(206);
        assertThat(response.headers().get("content-range")).isEqualTo("bytes 0-0/" + SIZE);
        assertThat(response.content().array()).containsExactly(VIDEO[0]);
        assertThat(response.headers().get("etag")).isEqualTo(etag);
    }

    @Test
    void aSuffixRange() {
        AggregatedHttpResponse response = files.get(vid, "Range", "bytes=-500");
        assertThat(response.status().code()).isEqualTo(206);
        assertThat(response.headers().get("content-range"))
                .isEqualTo("bytes " + (SIZE - 500) + '-' + (SIZE - 1) + '/' + SIZE);
        assertThat(response.content().array()).isEqualTo(Arrays.copyOfRange(VIDEO, SIZE - 500, SIZE));
    }

    @Test
    void anOpenEndedRange() {
        AggregatedHttpResponse response = files.get(vid, "Range", "bytes=100-");
        assertThat(response.status().code()).isEqualTo(206);
        assertThat(response.headers().get("content-range")).isEqualTo("bytes 100-" + (SIZE - 1) + '/' + SIZE);
        assertThat(response.headers().contentLength()).isEqualTo(SIZE - 100);
        assertThat(response.content().array()).isEqualTo(Arrays.copyOfRange(VIDEO, 100, SIZE));
    }

    @Test
    void aBoundedRangeInTheMiddleAndOneCutAtTheEnd() {
        AggregatedHttpResponse middle = files.get(vid, "Range", "bytes=1000000-2000000");
        assertThat(middle.status().code()).isEqualTo(206);
        assertThat(middle.content().array()).isEqualTo(Arrays.copyOfRange(VIDEO, 1_000_000, 2_000_001));
        AggregatedHttpResponse cut = files.get(vid, "Range", "bytes=" + (SIZE - 10) + "-" + (SIZE + 1000));
        assertThat(cut.status().code()).isEqualTo(206);
        assertThat(cut.headers().get("content-range"))
                .isEqualTo("bytes " + (SIZE - 10) + '-' + (SIZE - 1) + '/' + SIZE);
        assertThat(cut.content().array()).isEqualTo(Arrays.copyOfRange(VIDEO, SIZE - 10, SIZE));
    }

    @ParameterizedTest
    @ValueSource(strings = { "bytes=%d-", "bytes=%d-99999999", "bytes=-0" })
    void aRangePastTheEndIs416WithTheLength(String format) {
        AggregatedHttpResponse response = files.get(vid, "Range", String.format(format, SIZE));
        assertThat(response.status().code()).isEqualTo(416);
        assertThat(response.headers().get("content-range")).isEqualTo("bytes */" + SIZE);
        assertThat(response.contentUtf8()).contains("\"code\":\"RANGE_NOT_SATISFIABLE\"");
    }

    @ParameterizedTest
    @ValueSource(strings = { "bytes=abc", "bytes=5-2", "bytes=", "items=0-1", "bytes 0-1", "bytes=0-1,5-6",
                             "bytes=--1", "bytes=99999999999999999999-" })
    void aRangeThatIsNotOneWellFormedRangeIsIgnored(String range) {
        AggregatedHttpResponse response = files.get(vid, "Range", range);
        assertThat(response.status().code()).isEqualTo(200);
        assertThat(response.headers().get("content-range")).isNull();
        assertThat(TestVideos.sha256(response.content().array())).isEqualTo(SHA256);
    }

    @Test
    void ifRangeWithAStaleEtagSendsTheWholeFile() {
        AggregatedHttpResponse stale = files.get(vid, "Range", "bytes=0-99", "If-Range", "\"0000\"");
        assertThat(stale.status().code()).isEqualTo(200);
        assertThat(TestVideos.sha256(stale.content().array())).isEqualTo(SHA256);

        AggregatedHttpResponse weak = files.get(vid, "Range", "bytes=0-99", "If-Range", "W/" + etag);
        assertThat(weak.status().code()).isEqualTo(200);

        AggregatedHttpResponse current = files.get(vid, "Range", "bytes=0-99", "If-Range", etag);
        assertThat(current.status().code()).isEqualTo(206);
        assertThat(current.content().array()).isEqualTo(Arrays.copyOf(VIDEO, 100));
    }

    @Test
    void ifNoneMatchAnswers304WhenTheCopyIsCurrent() {
        for (String tags : new String[] { etag, "W/" + etag, "\"other\", " + etag, "*" }) {
            AggregatedHttpResponse response = files.get(vid, "If-None-Match", tags);
            assertThat(response.status().code()).as(tags).isEqualTo(304);
            assertThat(response.headers().get("etag")).isEqualTo(etag);
            assertThat(response.content().isEmpty()).isTrue();
        }
        assertThat(files.get(vid, "If-None-Match", "\"other\"").status().code()).isEqualTo(200);
        assertThat(files.stream(HttpMethod.HEAD, vid, "If-None-Match", etag).status().code()).isEqualTo(304);
    }

    @Test
    void ifModifiedSinceAnswers304() {
        String lastModified = files.get(vid, "Range", "bytes=0-0").headers().get("last-modified");
        assertThat(files.get(vid, "If-Modified-Since", lastModified).status().code()).isEqualTo(304);
        assertThat(files.get(vid, "If-Modified-Since", "Thu, 01 Jan 1970 00:00:00 GMT").status().code())
                .isEqualTo(200);
    }

    @Test
    void headDescribesTheFileWithoutABody() {
        for (String range : new String[] { null, "bytes=0-0" }) {
            AggregatedHttpResponse response = range == null ? files.stream(HttpMethod.HEAD, vid)
                                                            : files.stream(HttpMethod.HEAD, vid, "Range", range);
            assertThat(response.status().code()).isEqualTo(200);
            assertThat(response.headers().contentLength()).isEqualTo(SIZE);
            assertThat(response.headers().get("etag")).isEqualTo(etag);
            assertThat(response.headers().get("accept-ranges")).isEqualTo("bytes");
            assertThat(response.headers().get("content-type")).isEqualTo("video/mp4");
            assertThat(response.headers().get("last-modified")).isNotNull();
            assertThat(response.content().isEmpty()).isTrue();
        }
    }

    @Test
    void aVideoWithoutAFileOrABadIdFails() {
        Rest rest = mesh.rest();
        String session = rest.register("stream_nofile");
        String pending = Long.toString(rest.createVideo(session, "stream_nofile", "no file yet"));
        assertThat(files.get(pending).contentUtf8()).contains("VIDEO_FILE_NOT_FOUND");
        assertThat(files.get(pending).status().code()).isEqualTo(404);
        assertThat(files.stream(HttpMethod.HEAD, pending).status().code()).isEqualTo(404);
        for (String id : new String[] { "abc", "0", "..%2F..%2Fetc%2Fpasswd", "-5" }) {
            AggregatedHttpResponse bad = files.get(id);
            assertThat(bad.status().code()).as(id).isEqualTo(400);
            assertThat(bad.contentUtf8()).as(id).contains("INVALID_ID");
        }
    }

    @Test
    void anotherMethodOnTheFileServerIs405NamingTheAllowedOnesInOneEnvelope() {
        AggregatedHttpResponse refused = BlockingWebClient.of("http://127.0.0.1:" + mesh.filesPort())
                                                          .delete("/stream/videos/" + vid);
        assertThat(refused.status().code()).isEqualTo(405);
        assertThat(refused.headers().get("allow")).isEqualTo("GET, HEAD");
        assertThat(refused.headers().getAll("content-type")).containsExactly("application/json; charset=utf-8");
        assertThat(refused.headers().getAll("cache-control")).containsExactly("no-store");
        assertThat(refused.contentUtf8()).contains("METHOD_NOT_ALLOWED");
    }
}
