package io.mediamesh.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.client.redirect.RedirectConfig;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.ContentDisposition;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import com.linecorp.armeria.common.multipart.BodyPart;
import com.linecorp.armeria.common.multipart.Multipart;
import com.linecorp.armeria.common.stream.StreamMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Uploads and downloads through the gateway's file routes, as a player or {@code curl -L} would on
 * plain http: HTTP/1.1, redirects followed, no size limit on responses.
 */
public final class FileTransfers {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /**
     * As an upload client: HTTP/1.1 only, as a browser's to a plain http URL, and as patient as one
     * with a gateway that takes no bytes for a while (Armeria's default idle timeout of 10 s would
     * set a TCP_USER_TIMEOUT of 15 s, ending the upload with ETIMEDOUT).
     */
    private static final ClientFactory UPLOAD_CONNECTIONS = ClientFactory.builder().preferHttp1(true)
                                                                         .idleTimeout(Duration.ofSeconds(60)).build();
    /**
     * As a player: the JDK's client, HTTP/1.1, following the gateway's redirect to media-svc's file
     * server. Not Armeria's client: now and then (1 run of PlaybackRoutesTest in 3) it stopped
     * reading a download after that redirect, its event loops idle and 400 KB unread in the socket,
     * until its 60 s response timeout; a browser or curl never does. It looks like the race UploadProxy
     * works around (not proven): after a redirect to another host the response is read on one event loop
     * and consumed on another, where Armeria's HTTP/1 flow control can leave reading off for good.
     */
    private static final HttpClient PLAYER = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                                                       .followRedirects(HttpClient.Redirect.NORMAL).build();
    private static final Duration DOWNLOAD_TIMEOUT = Duration.ofSeconds(60);

    private final WebClient client;
    private final URI gateway;
    private final Path videoRoot;

    public FileTransfers(Mesh mesh) {
        gateway = URI.create("http://127.0.0.1:" + mesh.gatewayPort());
        client = WebClient.builder("h1c://127.0.0.1:" + mesh.gatewayPort()).factory(UPLOAD_CONNECTIONS)
                          .maxResponseLength(0)
                          .followRedirects(RedirectConfig.builder().allowAllDomains().build())
                          .responseTimeout(Duration.ofSeconds(60)).build();
        videoRoot = mesh.videoRoot();
    }

    /** An upload's answer: status, envelope code and payload. */
    public record Answer(int status, String code, JsonNode body) {}

    /** POSTs {@code bytes} as a raw body (with Content-Length) as {@code session} (null: none). */
    public Answer upload(String session, String vid, byte[] bytes) {
        RequestHeadersBuilder headers = RequestHeaders.builder(HttpMethod.POST, "/upload/videos/" + vid)
                                                      .contentType(MediaType.parse("video/mp4"));
        if (session != null) {
            headers.add("X-Session-Id", session);
        }
        return answer(client.execute(headers.build(), HttpData.wrap(bytes)).aggregate().join());
    }

    /** POSTs {@code bytes} in pieces with no Content-Length (chunked), so no size is declared. */
    public Answer uploadChunked(String session, String vid, byte[] bytes, int piece) {
        List<HttpData> pieces = new ArrayList<>();
        for (int offset = 0; offset < bytes.length; offset += piece) {
            pieces.add(HttpData.copyOf(bytes, offset, Math.min(piece, bytes.length - offset)));
        }
        RequestHeaders headers = RequestHeaders.builder(HttpMethod.POST, "/upload/videos/" + vid)
                                               .contentType(MediaType.OCTET_STREAM).add("X-Session-Id", session)
                                               .build();
        return answer(client.execute(HttpRequest.of(headers, StreamMessage.of(pieces.toArray(HttpData[]::new))))
                            .aggregate().join());
    }

    /** POSTs {@code bytes} as the multipart field {@code field}, after a text field. */
    public Answer uploadMultipart(String session, String vid, String field, byte[] bytes) {
        Multipart multipart = Multipart.of(
                BodyPart.of(ContentDisposition.of("form-data", "title"), "a video"),
                BodyPart.of(ContentDisposition.of("form-data", field, "clip.mp4"), MediaType.parse("video/mp4"),
                            HttpData.wrap(bytes)));
        HttpRequest request = multipart.toHttpRequest("/upload/videos/" + vid);
        HttpRequest withSession = request.withHeaders(request.headers().toBuilder().add("X-Session-Id", session));
        return answer(client.execute(withSession).aggregate().join());
    }

    /** A request to the stream route with {@code headers} as name, value pairs. */
    public AggregatedHttpResponse stream(HttpMethod method, String vid, String... headers) {
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest
                .newBuilder(gateway.resolve("/stream/videos/" + vid)).timeout(DOWNLOAD_TIMEOUT)
                .method(method.name(), java.net.http.HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<byte[]> response = PLAYER.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            ResponseHeadersBuilder answer = ResponseHeaders.builder(response.statusCode());
            response.headers().map().forEach(answer::add);
            return AggregatedHttpResponse.of(answer.build(), HttpData.wrap(response.body()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted downloading video " + vid, e);
        }
    }

    public AggregatedHttpResponse get(String vid, String... headers) {
        return stream(HttpMethod.GET, vid, headers);
    }

    /** What media-svc's folder holds for {@code videoId}: its link, stored files and temporaries. */
    public List<String> onDisk(long videoId) {
        try (Stream<Path> entries = Files.list(videoRoot)) {
            return entries.map(p -> p.getFileName().toString())
                          .filter(name -> name.equals(Long.toString(videoId)) || name.startsWith(videoId + ".") ||
                                          name.startsWith("." + videoId + "."))
                          .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Everything in media-svc's folder. */
    public List<String> allOnDisk() {
        try (Stream<Path> entries = Files.list(videoRoot)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Answer answer(AggregatedHttpResponse response) {
        try {
            JsonNode envelope = MAPPER.readTree(response.contentUtf8());
            return new Answer(response.status().code(), envelope.path("code").asText(null), envelope.get("response"));
        } catch (IOException e) {
            throw new AssertionError("Not a JSON envelope: " + response.contentUtf8(), e);
        }
    }
}
