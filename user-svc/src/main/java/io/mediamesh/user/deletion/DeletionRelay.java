package io.mediamesh.user.deletion;

import io.grpc.StatusRuntimeException;
import io.mediamesh.api.v1.ScheduleVideoDeletionsRequest;
import io.mediamesh.api.v1.SchedulerServiceGrpc.SchedulerServiceBlockingStub;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the outbox's file deletions to scheduler-svc, on a timer and right after each deletion.
 * Scheduling is idempotent there, so a batch that was delivered but not yet removed here (a crash
 * in between) is simply delivered again.
 */
public final class DeletionRelay {
    private static final Logger logger = LoggerFactory.getLogger(DeletionRelay.class);
    /** scheduler.proto accepts up to 1,000 ids a call. */
    private static final int BATCH = 500;

    private final DeletionOutbox outbox;
    private final SchedulerServiceBlockingStub scheduler;
    private final ScheduledExecutorService executor;
    private final AtomicBoolean wakeQueued = new AtomicBoolean();

    public DeletionRelay(DeletionOutbox outbox, SchedulerServiceBlockingStub scheduler,
                         ScheduledExecutorService executor, long intervalMillis) {
        this.outbox = outbox;
        this.scheduler = scheduler;
        this.executor = executor;
        executor.scheduleWithFixedDelay(this::drain, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    /** Asks for a drain now; several calls before it runs make one drain. */
    public void wake() {
        if (wakeQueued.compareAndSet(false, true)) {
            executor.execute(() -> {
                wakeQueued.set(false);
                drain();
            });
        }
    }

    private void drain() {
        try {
            List<Long> batch;
            while (!(batch = outbox.oldest(BATCH)).isEmpty()) {
                if (!deliver(batch)) {
                    return;
                }
            }
        } catch (RuntimeException e) {
            logger.warn("File deletion relay failed; retrying at the next tick", e);
        }
    }

    private boolean deliver(List<Long> videoIds) {
        try {
            scheduler.scheduleVideoDeletions(ScheduleVideoDeletionsRequest.newBuilder()
                                                                          .addAllVideoIds(videoIds).build());
            outbox.remove(videoIds);
            return true;
        } catch (StatusRuntimeException e) {
            outbox.recordFailure(videoIds, e.getStatus().toString());
            logger.warn("scheduler-svc did not take {} file deletions ({}); they stay in the outbox",
                        videoIds.size(), e.getStatus());
            return false;
        }
    }
}
