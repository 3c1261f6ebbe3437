package io.mediamesh.gateway.video;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.annotation.Delete;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import com.google.protobuf.Message;
import io.mediamesh.api.v1.CreateVideoRequest;
import io.mediamesh.api.v1.DeleteVideoRequest;
import io.mediamesh.api.v1.GetVideoRequest;
import io.mediamesh.api.v1.ListPublicVideosRequest;
import io.mediamesh.api.v1.ListVideosRequest;
import io.mediamesh.api.v1.Video;
import io.mediamesh.common.time.Times;
import io.mediamesh.gateway.UserSvcClients;
import io.mediamesh.gateway.http.Calls;
import io.mediamesh.gateway.http.Envelope;
import io.mediamesh.gateway.http.JsonBody;
import io.mediamesh.gateway.http.PathParams;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import com.linecorp.armeria.common.annotation.Nullable;

/** Video records: /api/user/:user_name/videos, the public feed /api/videos and /api/videos/:vid. */
public final class VideoRoutes {
    private final UserSvcClients userSvc;
    private final ReadCopies copies;

    public VideoRoutes(UserSvcClients userSvc, ReadCopies copies) {
        this.userSvc = userSvc;
        this.copies = copies;
    }

    @Post("/user/{user_name}/videos")
    public CompletableFuture<HttpResponse> create(RequestHeaders headers, AggregatedHttpRequest request,
                                                  @Param("user_name") String userName) {
        JsonBody body = JsonBody.parse(request);
        CreateVideoRequest call = CreateVideoRequest.newBuilder()
                                                    .setUserName(userName)
                                                    .setName(body.requiredString("name"))
                                                    .setDescription(body.optionalString("description").orElse(""))
                                                    .build();
        return Calls.as(headers, () -> userSvc.videos().createVideo(call))
                    .thenApply(response -> Envelope.created(VideoView.of(response.getVideo())));
    }

    @Get("/user/{user_name}/videos")
    public CompletableFuture<HttpResponse> list(@Param("user_name") String userName,
                                                @Param("limit") @Nullable String limit,
                                                @Param("cursor") @Nullable String cursor) {
        ListVideosRequest call = ListVideosRequest.newBuilder()
                                                  .setUserName(userName)
                                                  .setLimit(PathParams.limit(limit))
                                                  .setCursor(cursor == null ? "" : cursor)
                                                  .build();
        return copied(call, () -> Calls.anonymous(() -> userSvc.videos().listVideos(call))
                .thenApply(response -> new Answer(page(response.getVideosList(), response.getNextCursor()),
                                                  response.getReusableFor())));
    }

    @Get("/videos")
    public CompletableFuture<HttpResponse> feed(@Param("limit") @Nullable String limit,
                                                @Param("cursor") @Nullable String cursor) {
        ListPublicVideosRequest call = ListPublicVideosRequest.newBuilder()
                                                              .setLimit(PathParams.limit(limit))
                                                              .setCursor(cursor == null ? "" : cursor)
                                                              .build();
        return copied(call, () -> Calls.anonymous(() -> userSvc.videos().listPublicVideos(call))
                .thenApply(response -> new Answer(page(response.getVideosList(), response.getNextCursor()),
                                                  response.getReusableFor())));
    }

    @Get("/videos/{vid}")
    public CompletableFuture<HttpResponse> get(@Param("vid") String vid) {
        GetVideoRequest call = GetVideoRequest.newBuilder().setVideoId(PathParams.id(vid, "vid")).build();
        return copied(call, () -> Calls.anonymous(() -> userSvc.videos().getVideo(call))
                .thenApply(response -> new Answer(new OneVideo(VideoView.of(response.getVideo())),
                                                  response.getReusableFor())));
    }

    @Delete("/videos/{vid}")
    public CompletableFuture<HttpResponse> delete(RequestHeaders headers, @Param("vid") String vid) {
        DeleteVideoRequest call = DeleteVideoRequest.newBuilder().setVideoId(PathParams.id(vid, "vid")).build();
        return Calls.as(headers, () -> userSvc.videos().deleteVideo(call))
                    .thenApply(response -> HttpResponse.of(HttpStatus.NO_CONTENT));
    }

    /** The copy of the answer to {@code call} while user-svc's last one may be reused, else a new one, kept. */
    private CompletableFuture<HttpResponse> copied(Message call, Supplier<CompletableFuture<Answer>> ask) {
        Optional<byte[]> kept = copies.json(call);
        if (kept.isPresent()) {
            return CompletableFuture.completedFuture(Envelope.okJson(kept.get()));
        }
        long askedIn = copies.generation();
        return ask.get().thenApply(answer -> {
            byte[] json = Envelope.okBytes(answer.payload());
            copies.keep(call, askedIn, json, Times.fromProto(answer.reusableFor()));
            return Envelope.okJson(json);
        });
    }

    private static VideoPage page(List<Video> videos, String nextCursor) {
        return new VideoPage(videos.stream().map(VideoView::of).toList(), nextCursor.isEmpty() ? null : nextCursor);
    }

    /** What the gateway answers with, and how long user-svc lets it be given again. */
    private record Answer(Object payload, com.google.protobuf.Duration reusableFor) {}

    record VideoPage(List<VideoView> videos, String nextCursor) {}

    record OneVideo(VideoView video) {}
}
