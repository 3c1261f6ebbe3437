package io.mediamesh.config.apply;

import com.linecorp.armeria.common.util.ThreadFactories;
import io.mediamesh.api.v1.ApplyEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes apply events to the audit record off the apply's path: events queue up and one thread
 * inserts whatever has queued in one batch, so a slow database never holds back the servers or
 * the stream. {@link #flush} waits for what was queued before the apply's end is recorded.
 */
final class EventLog implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(EventLog.class);

    private final ApplyRepository applies;
    private final ConcurrentLinkedQueue<ApplyEvent> queued = new ConcurrentLinkedQueue<>();
    private final ExecutorService writer = Executors.newSingleThreadExecutor(
            ThreadFactories.newThreadFactory("config-apply-audit", true));

    EventLog(ApplyRepository applies) {
        this.applies = applies;
    }

    void add(ApplyEvent event) {
        queued.add(event);
        writer.execute(this::write);
    }

    /** Returns once every event added before the call is written (or failed to be, which is logged). */
    void flush() throws InterruptedException {
        try {
            writer.submit(this::write).get();
        } catch (ExecutionException e) {
            logger.warn("Cannot write apply events", e.getCause());
        }
    }

    private void write() {
        List<ApplyEvent> batch = new ArrayList<>();
        for (ApplyEvent event = queued.poll(); event != null; event = queued.poll()) {
            batch.add(event);
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            applies.events(batch);
        } catch (RuntimeException e) {
            logger.warn("Cannot record {} event(s) of apply {}", batch.size(), batch.get(0).getApplyId(), e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        flush();
        writer.shutdown();
    }
}
