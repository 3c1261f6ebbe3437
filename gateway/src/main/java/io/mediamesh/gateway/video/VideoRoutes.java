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
import io.mediamesh.gateway.UserSvcClients;
import io.mediamesh.gateway.http.Calls;
import io.mediamesh.gateway.http.Envelope;
import io.mediamesh.gateway.http.JsonBody;
import io.mediamesh.gateway.http.PathParams;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import com.linecorp.armeria.common.annotation.Nullable;

/** Video records: /api/user/:user_name/videos, the public feed /api/videos and /api/videos/:vid. */
public final class VideoRoutes {
    private final UserSvcClients userSvc;
    private final EncodedPages pages = new EncodedPages();

    public VideoRoutes(UserSvcClients userSvc) {
        this.userSvc = userSvc;
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
        return Calls.anonymous(() -> userSvc.videos().listVideos(call))
                    .thenApply(response -> page(call, response, response.getVideosList(), response.getNextCursor()));
    }

    @Get("/videos")
    public CompletableFuture<HttpResponse> feed(@Param("limit") @Nullable String limit,
                                                @Param("cursor") @Nullable String cursor) {
        ListPublicVideosRequest call = ListPublicVideosRequest.newBuilder()
                                                              .setLimit(PathParams.limit(limit))
                                                              .setCursor(cursor == null ? "" : cursor)
                                                              .build();
        return Calls.anonymous(() -> userSvc.videos().listPublicVideos(call))
                    .thenApply(response -> page(call, response, response.getVideosList(), response.getNextCursor()));
    }

    @Get("/videos/{vid}")
    public CompletableFuture<HttpResponse> get(@Param("vid") String vid) {
        GetVideoRequest call = GetVideoRequest.newBuilder().setVideoId(PathParams.id(vid, "vid")).build();
        return Calls.anonymous(() -> userSvc.videos().getVideo(call))
                    .thenApply(response -> Envelope.ok(new OneVideo(VideoView.of(response.getVideo()))));
    }

    @Delete("/videos/{vid}")
    public CompletableFuture<HttpResponse> delete(RequestHeaders headers, @Param("vid") String vid) {
        DeleteVideoRequest call = DeleteVideoRequest.newBuilder().setVideoId(PathParams.id(vid, "vid")).build();
        return Calls.as(headers, () -> userSvc.videos().deleteVideo(call))
                    .thenApply(response -> HttpResponse.of(HttpStatus.NO_CONTENT));
    }

    private HttpResponse page(Message call, Message answer, List<Video> videos, String nextCursor) {
        return Envelope.okJson(pages.json(call, answer, () -> Envelope.okBytes(
                new VideoPage(videos.stream().map(VideoView::of).toList(), nextCursor.isEmpty() ? null : nextCursor))));
    }

    record VideoPage(List<VideoView> videos, String nextCursor) {}

    record OneVideo(VideoView video) {}
}
