package io.mediamesh.media.file;

import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.mediamesh.api.v1.DeleteVideoFileRequest;
import io.mediamesh.api.v1.DeleteVideoFileResponse;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.ReadVideoFileHeader;
import io.mediamesh.api.v1.ReadVideoFileRequest;
import io.mediamesh.api.v1.ReadVideoFileResponse;
import io.mediamesh.api.v1.StatVideoFileRequest;
import io.mediamesh.api.v1.StatVideoFileResponse;
import io.mediamesh.api.v1.UploadVideoFileRequest;
import io.mediamesh.api.v1.UploadVideoFileResponse;
import io.mediamesh.api.v1.VideoFileServiceGrpc;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.validation.Text;
import io.mediamesh.media.playback.ByteRange;
import io.mediamesh.media.playback.FileSlice;
import io.mediamesh.media.upload.UploadAuthority;
import java.util.Optional;
import java.util.Set;

/** VideoFileService over gRPC. Runs on the blocking executor, as file I/O blocks. */
public final class VideoFileGrpcService extends VideoFileServiceGrpc.VideoFileServiceImplBase {
    private static final Set<Identity> DELETERS = Set.of(Identity.SCHEDULER_SVC);
    private final VideoFileStore store;
    private final Callers callers;
    private final UploadAuthority authority;
    private final FileSettings settings;

    public VideoFileGrpcService(VideoFileStore store, Callers callers, UploadAuthority authority,
                                FileSettings settings) {
        this.store = store;
        this.callers = callers;
        this.authority = authority;
        this.settings = settings;
    }

    @Override
    public StreamObserver<UploadVideoFileRequest> uploadVideoFile(StreamObserver<UploadVideoFileResponse> response) {
        // The server's request length limit would cut a long stream; the file's own limit, checked
        // as bytes arrive, takes its place (and each message stays bounded by the message limit).
        ServiceRequestContext.current().setMaxRequestLength(0);
        return new FileReceiver(store, authority, (ServerCallStreamObserver<UploadVideoFileResponse>) response,
                                ServiceRequestContext.current(), settings);
    }

    @Override
    public void readVideoFile(ReadVideoFileRequest request, StreamObserver<ReadVideoFileResponse> response) {
        long videoId = Text.checkId(request.getVideoId(), "video id");
        if (request.getOffset() < 0 || request.getLength() < 0 || request.getSuffixLength() < 0) {
            throw new MediameshException(ErrorCode.INVALID_REQUEST, "offset, length and suffix_length must not be negative.");
        }
        if (request.getSuffixLength() > 0 && (request.getOffset() > 0 || request.getLength() > 0)) {
            throw new MediameshException(ErrorCode.INVALID_REQUEST, "A suffix range takes no offset or length.");
        }
        OpenVideoFile file = store.open(videoId);
        ReadVideoFileHeader header;
        try {
            header = plan(request, file.stat());
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
        new FileSender(file, header.getOffset(), header.getLength(),
                       (ServerCallStreamObserver<ReadVideoFileResponse>) response, ServiceRequestContext.current(),
                       settings.readChunk(), settings.idleTimeout()).start(header);
    }

    @Override
    public void statVideoFile(StatVideoFileRequest request, StreamObserver<StatVideoFileResponse> response) {
        long videoId = Text.checkId(request.getVideoId(), "video id");
        StoredVideoFile file = store.stat(videoId).orElseThrow(() -> VideoFileStore.notFound(videoId));
        response.onNext(StatVideoFileResponse.newBuilder().setStat(file.toProto()).build());
        response.onCompleted();
    }

    @Override
    public void deleteVideoFile(DeleteVideoFileRequest request, StreamObserver<DeleteVideoFileResponse> response) {
        // Files go only through the scheduler's deletion tasks, after user-svc marked the video deleted.
        callers.requireService(DELETERS);
        long videoId = Text.checkId(request.getVideoId(), "video id");
        response.onNext(DeleteVideoFileResponse.newBuilder().setExisted(store.delete(videoId)).build());
        response.onCompleted();
    }

    /** The range to send, per the request's offset/length, suffix and if_range. */
    private static ReadVideoFileHeader plan(ReadVideoFileRequest request, StoredVideoFile file) {
        Optional<ByteRange> range = Optional.empty();
        if (request.getSuffixLength() > 0) {
            range = Optional.of(new ByteRange(-1, -1, request.getSuffixLength()));
        } else if (request.getOffset() > 0 || request.getLength() > 0) {
            long last = request.getLength() == 0 ? -1 : request.getOffset() + request.getLength() - 1;
            range = Optional.of(new ByteRange(request.getOffset(), last, -1));
        }
        boolean voided = range.isPresent() && !request.getIfRange().isEmpty() &&
                         !request.getIfRange().equals(file.etag());
        FileSlice slice = FileSlice.plan(file.size(), range, voided);
        return ReadVideoFileHeader.newBuilder().setStat(file.toProto()).setOffset(slice.offset())
                                  .setLength(slice.length()).setRangeIgnored(voided).build();
    }
}
