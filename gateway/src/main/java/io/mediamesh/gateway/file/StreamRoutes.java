package io.mediamesh.gateway.file;

import com.linecorp.armeria.client.ClientRequestContextCaptor;
import com.linecorp.armeria.client.Clients;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Head;
import com.linecorp.armeria.server.annotation.Param;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.ReadVideoFileRequest;
import io.mediamesh.api.v1.StatVideoFileRequest;
import io.mediamesh.api.v1.VideoFileStat;
import io.mediamesh.common.error.ErrorCatalog;
import io.mediamesh.gateway.MediaSvcClients;
import io.mediamesh.gateway.http.Calls;
import io.mediamesh.gateway.http.Envelope;
import io.mediamesh.gateway.http.PathParams;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The streaming service: {@code GET}/{@code HEAD /stream/videos/:vid}, public, with ranges and
 * conditional requests per RFC 9110. Bytes come from media-svc's ReadVideoFile stream as the
 * client takes them (see {@link FileDownload}).
 */
public final class StreamRoutes {
    /** ErrorInfo metadata of RANGE_NOT_SATISFIABLE holding the file's size (files.proto). */
    private static final String SIZE_METADATA = "size";

    private final MediaSvcClients mediaSvc;
    private final FileRouteSettings settings;

    public StreamRoutes(MediaSvcClients mediaSvc, FileRouteSettings settings) {
        this.mediaSvc = mediaSvc;
        this.settings = settings;
    }

    @Get("/stream/videos/{vid}")
    public CompletableFuture<HttpResponse> stream(ServiceRequestContext ctx, RequestHeaders headers,
                                                  @Param("vid") String vid) {
        long videoId = PathParams.id(vid, "vid");
        Optional<ByteRange> range = ByteRange.parse(headers.get(HttpHeaderNames.RANGE));
        if (range.isPresent() && range.get().isSuffix() && range.get().suffix() == 0) {
            // "bytes=-0" asks for no byte at all: unsatisfiable whatever the file (RFC 9110, 14.1.1).
            return stat(videoId).thenApply(stat -> unsatisfiable(stat.getSize()));
        }
        if (headers.contains(HttpHeaderNames.IF_NONE_MATCH) || headers.contains(HttpHeaderNames.IF_MODIFIED_SINCE)) {
            // A revalidation usually ends in a 304: learn that from a stat rather than start a stream.
            return stat(videoId).thenComposeAsync(
                    stat -> FileHeaders.notModified(headers, stat)
                            ? CompletableFuture.completedFuture(notModified(stat))
                            : read(ctx, headers, videoId, range), ctx.eventLoop());
        }
        return read(ctx, headers, videoId, range);
    }

    private CompletableFuture<HttpResponse> read(ServiceRequestContext ctx, RequestHeaders headers, long videoId,
                                                 Optional<ByteRange> range) {
        ReadVideoFileRequest.Builder request = ReadVideoFileRequest.newBuilder().setVideoId(videoId);
        range.ifPresent(r -> {
            if (r.isSuffix()) {
                request.setSuffixLength(r.suffix());
            } else {
                request.setOffset(r.first()).setLength(r.length());
            }
            String ifRange = headers.get(HttpHeaderNames.IF_RANGE);
            if (ifRange != null) {
                // An HTTP-date or weak tag never equals the strong ETag, so it voids the range: safe.
                request.setIfRange(ifRange.trim());
            }
        });
        FileDownload download = new FileDownload(ctx, range.isPresent(), settings.idleTimeout());
        try (ClientRequestContextCaptor captor = Clients.newContextCaptor()) {
            mediaSvc.reads().readVideoFile(request.build(), download);
            download.started(captor.get());
        }
        return download.response().exceptionally(StreamRoutes::rangeFailure);
    }

    @Head("/stream/videos/{vid}")
    public CompletableFuture<HttpResponse> head(RequestHeaders headers, @Param("vid") String vid) {
        long videoId = PathParams.id(vid, "vid");
        // Range applies to GET only (RFC 9110, 14.2): HEAD describes the whole file.
        return stat(videoId).thenApply(stat -> FileHeaders.notModified(headers, stat)
                ? notModified(stat) : HttpResponse.of(FileHeaders.content(HttpStatus.OK, stat, stat.getSize()).build()));
    }

    private static HttpResponse notModified(VideoFileStat stat) {
        return HttpResponse.of(FileHeaders.describe(HttpStatus.NOT_MODIFIED, stat).build());
    }

    private CompletableFuture<VideoFileStat> stat(long videoId) {
        StatVideoFileRequest request = StatVideoFileRequest.newBuilder().setVideoId(videoId).build();
        return Calls.anonymous(() -> mediaSvc.files().statVideoFile(request))
                    .thenApply(response -> response.getStat());
    }

    /** A 416 carries the file's size in Content-Range; any other failure goes to RestErrors. */
    private static HttpResponse rangeFailure(Throwable thrown) {
        Throwable cause = thrown instanceof CompletionException && thrown.getCause() != null ? thrown.getCause()
                                                                                             : thrown;
        Optional<String> size = ErrorCatalog.errorInfoOf(cause)
                .filter(info -> ErrorCode.RANGE_NOT_SATISFIABLE.name().equals(info.getReason()))
                .map(info -> info.getMetadataMap().get(SIZE_METADATA));
        if (size.isEmpty() || size.get() == null) {
            throw thrown instanceof CompletionException e ? e : new CompletionException(thrown);
        }
        return unsatisfiable(Long.parseLong(size.get()));
    }

    private static HttpResponse unsatisfiable(long size) {
        ResponseHeaders headers = ResponseHeaders.builder(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                                                 .contentType(MediaType.JSON_UTF_8)
                                                 .set(HttpHeaderNames.ACCEPT_RANGES, "bytes")
                                                 .set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + size)
                                                 .build();
        return HttpResponse.of(headers, HttpData.wrap(Envelope.errorBody(
                ErrorCode.RANGE_NOT_SATISFIABLE, "No byte of the " + size + "-byte file is in the range.")));
    }
}
