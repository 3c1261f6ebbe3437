package io.mediamesh.gateway.comment;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.annotation.Delete;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import io.mediamesh.api.v1.Comment;
import io.mediamesh.api.v1.DeleteCommentRequest;
import io.mediamesh.api.v1.ListCommentsRequest;
import io.mediamesh.api.v1.PostCommentRequest;
import io.mediamesh.gateway.UserSvcClients;
import io.mediamesh.gateway.http.Calls;
import io.mediamesh.gateway.http.Envelope;
import io.mediamesh.gateway.http.JsonBody;
import io.mediamesh.gateway.http.PathParams;
import io.mediamesh.gateway.http.Views;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import com.linecorp.armeria.common.annotation.Nullable;

/** Comments: /api/videos/:vid/comments. */
public final class CommentRoutes {
    private final UserSvcClients userSvc;

    public CommentRoutes(UserSvcClients userSvc) {
        this.userSvc = userSvc;
    }

    @Get("/videos/{vid}/comments")
    public CompletableFuture<HttpResponse> list(@Param("vid") String vid, @Param("limit") @Nullable String limit,
                                                @Param("cursor") @Nullable String cursor) {
        ListCommentsRequest call = ListCommentsRequest.newBuilder()
                                                      .setVideoId(PathParams.id(vid, "vid"))
                                                      .setLimit(PathParams.limit(limit))
                                                      .setCursor(cursor == null ? "" : cursor)
                                                      .build();
        return Calls.anonymous(() -> userSvc.comments().listComments(call)).thenApply(response -> Envelope.ok(
                new CommentPage(response.getCommentsList().stream().map(CommentRoutes::view).toList(),
                                response.getNextCursor().isEmpty() ? null : response.getNextCursor())));
    }

    @Post("/videos/{vid}/comments")
    public CompletableFuture<HttpResponse> post(RequestHeaders headers, AggregatedHttpRequest request,
                                                @Param("vid") String vid) {
        long videoId = PathParams.id(vid, "vid");
        PostCommentRequest call = PostCommentRequest.newBuilder()
                                                    .setVideoId(videoId)
                                                    .setContent(JsonBody.parse(request).requiredString("content"))
                                                    .build();
        return Calls.as(headers, () -> userSvc.comments().postComment(call))
                    .thenApply(response -> Envelope.created(new OneComment(view(response.getComment()))));
    }

    @Delete("/videos/{vid}/comments/{cid}")
    public CompletableFuture<HttpResponse> delete(RequestHeaders headers, @Param("vid") String vid,
                                                  @Param("cid") String cid) {
        DeleteCommentRequest call = DeleteCommentRequest.newBuilder()
                                                        .setVideoId(PathParams.id(vid, "vid"))
                                                        .setCommentId(PathParams.id(cid, "cid"))
                                                        .build();
        return Calls.as(headers, () -> userSvc.comments().deleteComment(call))
                    .thenApply(response -> HttpResponse.of(HttpStatus.NO_CONTENT));
    }

    private static CommentView view(Comment comment) {
        return new CommentView(comment.getId(), comment.getVideoId(), comment.getAuthor(), comment.getContent(),
                               Views.time(comment.getCreatedAt()));
    }

    record CommentView(long id, long videoId, String author, String content, String createdAt) {}

    record CommentPage(List<CommentView> comments, String nextCursor) {}

    record OneComment(CommentView comment) {}
}
