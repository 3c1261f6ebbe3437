package io.mediamesh.media.file;

import com.linecorp.armeria.common.util.TimeoutMode;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.UploadVideoFileMetadata;
import io.mediamesh.api.v1.UploadVideoFileRequest;
import io.mediamesh.api.v1.UploadVideoFileResponse;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.media.upload.UploadAuthority;
import java.util.OptionalLong;

/**
 * One UploadVideoFile stream. The metadata message is authorized before any byte is accepted;
 * then chunks go to a temporary file, checked as they come. Any failure, or the client going
 * away, deletes the temporary file. gRPC asks for the next message only once a callback returns,
 * so the client can never push more than its flow-control window ahead of the disk.
 */
final class FileReceiver implements StreamObserver<UploadVideoFileRequest> {
    private final VideoFileStore store;
    private final UploadAuthority authority;
    private final ServerCallStreamObserver<UploadVideoFileResponse> response;
    private final ServiceRequestContext ctx;
    private final FileSettings settings;
    private UploadAuthority.Grant grant;
    private VideoFileUpload upload;
    private OptionalLong declaredSize = OptionalLong.empty();
    private boolean done;

    FileReceiver(VideoFileStore store, UploadAuthority authority,
                 ServerCallStreamObserver<UploadVideoFileResponse> response, ServiceRequestContext ctx,
                 FileSettings settings) {
        this.store = store;
        this.authority = authority;
        this.response = response;
        this.ctx = ctx;
        this.settings = settings;
        response.setOnCancelHandler(this::cancelled);
    }

    @Override
    public synchronized void onNext(UploadVideoFileRequest message) {
        if (done) {
            return;
        }
        ctx.setRequestTimeout(TimeoutMode.SET_FROM_NOW, settings.idleTimeout());
        try {
            switch (message.getPayloadCase()) {
                case METADATA -> start(message.getMetadata());
                case CHUNK -> {
                    if (upload == null) {
                        throw new MediameshException(ErrorCode.INVALID_REQUEST, "The metadata message must come first.");
                    }
                    upload.write(message.getChunk());
                }
                default -> throw new MediameshException(ErrorCode.INVALID_REQUEST, "An empty message.");
            }
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    @Override
    public synchronized void onCompleted() {
        if (done) {
            return;
        }
        try {
            if (upload == null) {
                throw new MediameshException(ErrorCode.INVALID_REQUEST, "The metadata message must come first.");
            }
            if (declaredSize.isPresent() && declaredSize.getAsLong() != upload.size()) {
                throw new MediameshException(ErrorCode.INVALID_REQUEST, "The upload has " + upload.size() +
                                             " bytes, not the " + declaredSize.getAsLong() + " declared.");
            }
            StoredVideoFile stored = store.commit(upload, grant::markReady);
            finish();
            response.onNext(UploadVideoFileResponse.newBuilder().setStat(stored.toProto()).build());
            response.onCompleted();
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    /** The client cancelled or the stream broke: nothing of this upload may stay. */
    @Override
    public synchronized void onError(Throwable t) {
        finish();
    }

    private synchronized void cancelled() {
        finish();
    }

    private void start(UploadVideoFileMetadata metadata) {
        if (upload != null) {
            throw new MediameshException(ErrorCode.INVALID_REQUEST, "The metadata message must come only once.");
        }
        grant = authority.authorize(ctx.request().headers().get(Callers.SESSION_HEADER), metadata.getVideoId());
        SizeLimit limit = grant.sizeLimit(settings.maxSize());
        if (metadata.hasDeclaredSize()) {
            long declared = metadata.getDeclaredSize();
            if (declared < 0) {
                throw new MediameshException(ErrorCode.INVALID_REQUEST, "declared_size must not be negative.");
            }
            limit.check(declared);
            declaredSize = OptionalLong.of(declared);
        }
        upload = store.startUpload(grant.videoId(), limit);
    }

    private void fail(RuntimeException e) {
        finish();
        response.onError(e);
    }

    private void finish() {
        done = true;
        if (upload != null) {
            upload.close();
        }
    }
}
