package io.mediamesh.user.comment;

import io.grpc.stub.StreamObserver;
import io.mediamesh.api.v1.CommentServiceGrpc;
import io.mediamesh.api.v1.DeleteCommentRequest;
import io.mediamesh.api.v1.DeleteCommentResponse;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.ListCommentsRequest;
import io.mediamesh.api.v1.ListCommentsResponse;
import io.mediamesh.api.v1.PostCommentRequest;
import io.mediamesh.api.v1.PostCommentResponse;
import io.mediamesh.api.v1.Principal;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.common.paging.Page;
import io.mediamesh.common.validation.Text;
import io.mediamesh.user.video.VideoRecord;
import io.mediamesh.user.video.VideoRepository;
import java.time.Clock;

/** CommentService over gRPC. Runs on the blocking executor. */
public final class CommentGrpcService extends CommentServiceGrpc.CommentServiceImplBase {
    public static final int MAX_CONTENT_LENGTH = 2000;

    private final CommentRepository comments;
    private final VideoRepository videos;
    private final Callers callers;
    private final Clock clock;

    public CommentGrpcService(CommentRepository comments, VideoRepository videos, Callers callers, Clock clock) {
        this.comments = comments;
        this.videos = videos;
        this.callers = callers;
        this.clock = clock;
    }

    @Override
    public void listComments(ListCommentsRequest request, StreamObserver<ListCommentsResponse> response) {
        Page page = Page.of(request.getLimit(), request.getCursor());
        VideoRecord video = findVideo(request.getVideoId());
        Page.Result<CommentRecord> result = comments.listByVideo(video.id(), page);
        ListCommentsResponse.Builder out = ListCommentsResponse.newBuilder().setNextCursor(result.nextCursor());
        result.rows().forEach(comment -> out.addComments(comment.toProto()));
        response.onNext(out.build());
        response.onCompleted();
    }

    @Override
    public void postComment(PostCommentRequest request, StreamObserver<PostCommentResponse> response) {
        Principal caller = callers.require();
        String content = Text.check(request.getContent(), "content", 1, MAX_CONTENT_LENGTH, true,
                                    ErrorCode.INVALID_COMMENT);
        VideoRecord video = findVideo(request.getVideoId());
        CommentRecord comment = comments.insert(video.id(), caller.getUserId(), caller.getUserName(), content,
                                                clock.instant());
        response.onNext(PostCommentResponse.newBuilder().setComment(comment.toProto()).build());
        response.onCompleted();
    }

    @Override
    public void deleteComment(DeleteCommentRequest request, StreamObserver<DeleteCommentResponse> response) {
        Principal caller = callers.require();
        Text.checkId(request.getCommentId(), "comment id");
        VideoRecord video = findVideo(request.getVideoId());
        CommentRecord comment = comments.find(video.id(), request.getCommentId()).orElseThrow(
                () -> new MediameshException(ErrorCode.COMMENT_NOT_FOUND, "No comment " + request.getCommentId() +
                                                                          " on video " + video.id() + '.'));
        boolean allowed = comment.authorId() == caller.getUserId() || video.authorId() == caller.getUserId() ||
                          Callers.isAdmin(caller);
        if (!allowed) {
            throw new MediameshException(ErrorCode.PERMISSION_DENIED,
                                         "Only the comment's author, the video's owner or an admin may delete it.");
        }
        comments.delete(comment.id());
        response.onNext(DeleteCommentResponse.getDefaultInstance());
        response.onCompleted();
    }

    private VideoRecord findVideo(long videoId) {
        Text.checkId(videoId, "video id");
        return videos.find(videoId).orElseThrow(
                () -> new MediameshException(ErrorCode.VIDEO_NOT_FOUND, "No video " + videoId + '.'));
    }
}
