package io.mediamesh.user.video;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.grpc.stub.StreamObserver;
import io.mediamesh.api.v1.CreateVideoRequest;
import io.mediamesh.api.v1.CreateVideoResponse;
import io.mediamesh.api.v1.DeleteVideoRequest;
import io.mediamesh.api.v1.DeleteVideoResponse;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.GetVideoRequest;
import io.mediamesh.api.v1.GetVideoResponse;
import io.mediamesh.api.v1.ListPublicVideosRequest;
import io.mediamesh.api.v1.ListPublicVideosResponse;
import io.mediamesh.api.v1.ListVideosRequest;
import io.mediamesh.api.v1.ListVideosResponse;
import io.mediamesh.api.v1.MarkVideoReadyRequest;
import io.mediamesh.api.v1.MarkVideoReadyResponse;
import io.mediamesh.api.v1.Principal;
import io.mediamesh.api.v1.VideoServiceGrpc;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.common.paging.Page;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.validation.Text;
import io.mediamesh.common.time.Times;
import io.mediamesh.user.deletion.DeletionRelay;
import io.mediamesh.user.video.VideoRepository.Reusable;
import io.mediamesh.user.user.Credentials;
import io.mediamesh.user.user.UserAccount;
import io.mediamesh.user.user.UserRepository;
import java.time.Clock;
import java.util.Optional;
import java.util.regex.Pattern;

/** VideoService over gRPC. Runs on the blocking executor. */
public final class VideoGrpcService extends VideoServiceGrpc.VideoServiceImplBase {
    public static final int MAX_NAME_LENGTH = 64;
    public static final int MAX_DESCRIPTION_LENGTH = 1000;
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private final VideoRepository videos;
    private final UserRepository users;
    private final DeletionRelay deletionRelay;
    private final Callers callers;
    private final Clock clock;
    /*
     * The message of each listing page the repository keeps, built once: a page it serves again from
     * its cache is the same object, so the same message (keys by identity, weak: gone with the page).
     */
    private final Cache<Page.Result<VideoRecord>, ListVideosResponse> userPages = Caffeine.newBuilder().weakKeys().build();
    private final Cache<Page.Result<VideoRecord>, ListPublicVideosResponse> feedPages =
            Caffeine.newBuilder().weakKeys().build();

    public VideoGrpcService(VideoRepository videos, UserRepository users, DeletionRelay deletionRelay,
                            Callers callers, Clock clock) {
        this.videos = videos;
        this.users = users;
        this.deletionRelay = deletionRelay;
        this.callers = callers;
        this.clock = clock;
    }

    @Override
    public void createVideo(CreateVideoRequest request, StreamObserver<CreateVideoResponse> response) {
        // media-svc makes the videos of room recordings for the room's owner, with no session of theirs.
        Optional<Principal> caller = callers.isOwnCallOf(Identity.MEDIA_SVC) ? Optional.empty()
                                                                              : Optional.of(callers.require());
        String userName = Credentials.checkUserName(request.getUserName());
        if (caller.isPresent() && !caller.get().getUserName().equalsIgnoreCase(userName) &&
            !Callers.isAdmin(caller.get())) {
            throw new MediameshException(ErrorCode.PERMISSION_DENIED, "Videos can only be created for yourself.");
        }
        String name = Text.check(request.getName(), "name", 1, MAX_NAME_LENGTH, false, ErrorCode.INVALID_VIDEO_NAME);
        String description = Text.check(request.getDescription(), "description", 0, MAX_DESCRIPTION_LENGTH, true,
                                        ErrorCode.INVALID_DESCRIPTION);
        UserAccount owner = users.findByName(userName).orElseThrow(
                () -> new MediameshException(ErrorCode.USER_NOT_FOUND, "No user " + userName + '.'));
        VideoRecord video = videos.insert(owner.id(), owner.userName(), name, description, clock.instant());
        response.onNext(CreateVideoResponse.newBuilder().setVideo(video.toProto()).build());
        response.onCompleted();
    }

    @Override
    public void listVideos(ListVideosRequest request, StreamObserver<ListVideosResponse> response) {
        String userName = Credentials.checkUserName(request.getUserName());
        Reusable<Page.Result<VideoRecord>> listed = videos.listByAuthor(userName, Page.of(request.getLimit(),
                                                                                          request.getCursor()));
        Page.Result<VideoRecord> page = listed.value();
        ListVideosResponse built = userPages.get(page, ignored -> {
            ListVideosResponse.Builder out = ListVideosResponse.newBuilder().setNextCursor(page.nextCursor());
            page.rows().forEach(video -> out.addVideos(video.toProto()));
            return out.build();
        });
        response.onNext(built.toBuilder().setReusableFor(Times.toProto(listed.reusableFor())).build());
        response.onCompleted();
    }

    @Override
    public void listPublicVideos(ListPublicVideosRequest request, StreamObserver<ListPublicVideosResponse> response) {
        Reusable<Page.Result<VideoRecord>> listed = videos.listReady(Page.of(request.getLimit(), request.getCursor()));
        Page.Result<VideoRecord> page = listed.value();
        ListPublicVideosResponse built = feedPages.get(page, ignored -> {
            ListPublicVideosResponse.Builder out = ListPublicVideosResponse.newBuilder().setNextCursor(page.nextCursor());
            page.rows().forEach(video -> out.addVideos(video.toProto()));
            return out.build();
        });
        response.onNext(built.toBuilder().setReusableFor(Times.toProto(listed.reusableFor())).build());
        response.onCompleted();
    }

    @Override
    public void getVideo(GetVideoRequest request, StreamObserver<GetVideoResponse> response) {
        Text.checkId(request.getVideoId(), "video id");
        Reusable<Optional<VideoRecord>> found = videos.findReusable(request.getVideoId());
        VideoRecord video = found.value().orElseThrow(() -> notFound(request.getVideoId()));
        response.onNext(GetVideoResponse.newBuilder().setVideo(video.toProto())
                                        .setReusableFor(Times.toProto(found.reusableFor())).build());
        response.onCompleted();
    }

    @Override
    public void deleteVideo(DeleteVideoRequest request, StreamObserver<DeleteVideoResponse> response) {
        callers.requireSelfOrAdmin(findForCaller(request.getVideoId()).authorId());
        if (!videos.markDeleted(request.getVideoId(), clock.instant())) {
            throw notFound(request.getVideoId());
        }
        deletionRelay.wake();
        response.onNext(DeleteVideoResponse.getDefaultInstance());
        response.onCompleted();
    }

    @Override
    public void markVideoReady(MarkVideoReadyRequest request, StreamObserver<MarkVideoReadyResponse> response) {
        VideoRecord video;
        if (callers.isOwnCallOf(Identity.MEDIA_SVC)) {
            video = find(request.getVideoId());
        } else {
            video = findForCaller(request.getVideoId());
            callers.requireSelfOrAdmin(video.authorId());
        }
        if (request.getSize() <= 0 || !SHA256_HEX.matcher(request.getSha256()).matches()) {
            throw new MediameshException(ErrorCode.INVALID_REQUEST, "size must be positive and sha256 64 hex digits.");
        }
        // Fails with QUOTA_EXCEEDED when the file would not fit the owner's stored bytes.
        if (!videos.markReady(video.id(), request.getSize(), request.getSha256())) {
            throw notFound(video.id());
        }
        response.onNext(MarkVideoReadyResponse.newBuilder().setVideo(find(video.id()).toProto()).build());
        response.onCompleted();
    }

    /** As {@link #find}, after checking there is a caller at all, so that 401 comes before 404. */
    private VideoRecord findForCaller(long videoId) {
        callers.require();
        return find(videoId);
    }

    private VideoRecord find(long videoId) {
        Text.checkId(videoId, "video id");
        return videos.find(videoId).orElseThrow(() -> notFound(videoId));
    }

    private static MediameshException notFound(long videoId) {
        return new MediameshException(ErrorCode.VIDEO_NOT_FOUND, "No video " + videoId + '.');
    }
}
