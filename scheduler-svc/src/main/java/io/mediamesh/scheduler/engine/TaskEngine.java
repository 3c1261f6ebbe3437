package io.mediamesh.scheduler.engine;

import com.linecorp.armeria.common.util.ThreadFactories;
import io.grpc.StatusRuntimeException;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.db.ConflictRetry;
import io.mediamesh.common.error.ErrorCatalog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs due tasks: a producer/consumer pipeline around a bounded queue.
 *
 * <ol>
 *   <li>The dispatcher, on one timer thread, claims due tasks in batches (see {@link Leases#claim}),
 *       never more than the queue has room for, and puts them on the queue.</li>
 *   <li>Executor workers block on the queue and delete each task's file through media-svc.</li>
 *   <li>One recorder thread writes the outcomes, as many as have piled up per transaction, so a busy
 *       engine spends a few statements per batch rather than per task.</li>
 * </ol>
 *
 * <p>Every thread blocks while there is nothing to do: an idle engine only wakes for the dispatcher's
 * tick. While there is a backlog, a worker that sees the queue half empty asks the dispatcher for the
 * next batch at once rather than at the next tick.
 *
 * <p>A failed run is retried after a backoff ({@link Backoff}) until {@code maxAttempts}, then the
 * task is FAILED with its last error. {@link #close()} stops claiming, hands queued tasks back, lets
 * running ones finish and records them; a crashed instance's tasks are claimed again once their
 * leases expire. A task whose outcome was lost with its instance runs again: deletion is idempotent.
 */
public final class TaskEngine implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(TaskEngine.class);
    /** Tells a worker to exit; identity-compared. */
    private static final ClaimedTask STOP = new ClaimedTask(0, 0, 0, 0, Instant.EPOCH);
    /** Tells the recorder to exit once everything before it is written; no real task has id 0. */
    private static final Outcome STOP_RECORDING = Outcome.success(STOP, false);
    /** Most outcomes written in one transaction. */
    private static final int MAX_RECORD_BATCH = 500;
    private static final Duration RECORD_PAUSE = Duration.ofMillis(100);
    private static final Duration RECORD_PAUSE_CAP = Duration.ofSeconds(2);

    private final Leases leases;
    private final VideoFileDeleter deleter;
    private final EngineSettings settings;
    private final Duration callDeadline;
    private final Clock clock;
    private final BlockingQueue<ClaimedTask> queue;
    /**
     * Outcomes waiting for the recorder. Bounded: if the recorder falls behind, workers wait, the queue
     * fills, and the dispatcher stops claiming, so nothing piles up in memory.
     */
    private final BlockingQueue<Outcome> outcomes;
    private final ScheduledExecutorService dispatcher;
    private final ExecutorService workers;
    private final ExecutorService recorder;
    private final AtomicBoolean claimRequested = new AtomicBoolean();
    /** The last claim filled its batch or the queue: more tasks are probably due. */
    private volatile boolean backlog;
    private volatile boolean stopping;

    /**
     * @param callDeadline the deadline of one media-svc call: a worker does not start a task whose
     *                     lease would run out before it
     */
    public TaskEngine(DSLContext db, ConflictRetry retry, VideoFileDeleter deleter, EngineSettings settings,
                      Duration callDeadline, Clock clock) {
        if (settings.lease().compareTo(callDeadline) <= 0) {
            // Workers would hand back every task they take: a claim loop that never deletes anything.
            throw new IllegalArgumentException("The lease (" + settings.lease() + ") must be longer than the " +
                                               "media-svc call deadline (" + callDeadline + ')');
        }
        this.leases = new Leases(db, settings.instanceId(), retry);
        this.deleter = deleter;
        this.settings = settings;
        this.callDeadline = callDeadline;
        this.clock = clock;
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.outcomes = new ArrayBlockingQueue<>(settings.queueCapacity() + settings.workers());
        this.dispatcher = Executors.newSingleThreadScheduledExecutor(
                ThreadFactories.newThreadFactory("scheduler-dispatcher-" + settings.instanceId(), true));
        this.workers = Executors.newFixedThreadPool(settings.workers(),
                                                    ThreadFactories.newThreadFactory(
                                                            "scheduler-worker-" + settings.instanceId(), true));
        this.recorder = Executors.newSingleThreadExecutor(
                ThreadFactories.newThreadFactory("scheduler-recorder-" + settings.instanceId(), true));
    }

    public void start() {
        Duration worstWait = callDeadline.multipliedBy(settings.queueCapacity() / settings.workers() + 1L);
        if (settings.lease().compareTo(worstWait) < 0) {
            logger.warn("Lease {} is shorter than a queued task may wait when media-svc is slow ({}): raise the " +
                        "lease or lower queue-capacity / workers", settings.lease(), worstWait);
        }
        recorder.execute(this::record);
        for (int i = 0; i < settings.workers(); i++) {
            workers.execute(this::work);
        }
        dispatcher.scheduleWithFixedDelay(this::tick, 0, settings.tick().toMillis(), TimeUnit.MILLISECONDS);
        logger.info("Task engine {} started: {} workers, tick {}, lease {}", settings.instanceId(),
                    settings.workers(), settings.tick(), settings.lease());
    }

    public String instanceId() {
        return settings.instanceId();
    }

    private void tick() {
        claimRequested.set(false);
        dispatch();
    }

    /** Claims due tasks while the queue has room and each claim comes back full. Dispatcher thread only. */
    private void dispatch() {
        try {
            while (!stopping) {
                // Only this thread adds to the queue, so the room can only grow while it claims.
                int room = queue.remainingCapacity();
                if (room == 0) {
                    backlog = true;
                    return;
                }
                int wanted = Math.min(room, settings.batchSize());
                List<ClaimedTask> claimed = leases.claim(wanted, clock.instant(), settings.lease());
                queue.addAll(claimed);
                backlog = claimed.size() == wanted;
                if (!backlog) {
                    return;
                }
            }
        } catch (RuntimeException e) {
            logger.warn("Claiming due tasks failed; trying again in {}", settings.tick(), e);
        }
    }

    /** Asks for a claim now rather than at the next tick; at most one request is outstanding. */
    private void requestClaim() {
        if (claimRequested.compareAndSet(false, true)) {
            try {
                dispatcher.execute(this::tick);
            } catch (RejectedExecutionException e) {
                // Stopping: no more claims.
            }
        }
    }

    private void work() {
        while (true) {
            ClaimedTask task;
            try {
                task = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (task == STOP) {
                return;
            }
            if (backlog && !stopping && queue.size() <= settings.queueCapacity() / 2) {
                requestClaim();
            }
            try {
                Outcome outcome = run(task);
                if (outcome != null) {
                    outcomes.put(outcome);
                }
            } catch (InterruptedException e) {
                // Abandoned at a stop that timed out: the lease expires and the task runs again.
                return;
            } catch (RuntimeException e) {
                // The database failed while handing the task back: its lease expires and it runs again.
                logger.warn("Task {}: could not hand back attempt {}", task.id(), task.attempt(), e);
            }
        }
    }

    /** Runs a task; null if it was handed back unstarted. */
    private Outcome run(ClaimedTask task) {
        if (clock.instant().plus(callDeadline).isAfter(task.leaseExpiresAt())) {
            logger.warn("Task {} waited in the queue until its lease nearly expired; handing it back", task.id());
            leases.release(List.of(task), clock.instant());
            return null;
        }
        try {
            return Outcome.success(task, deleter.delete(task.videoId()));
        } catch (RuntimeException e) {
            return failure(task, e);
        }
    }

    private Outcome failure(ClaimedTask task, RuntimeException e) {
        ErrorCode code;
        String message;
        if (e instanceof StatusRuntimeException status) {
            code = ErrorCatalog.reasonOf(status).orElseGet(() -> switch (status.getStatus().getCode()) {
                case UNAVAILABLE, DEADLINE_EXCEEDED -> ErrorCode.SERVICE_UNAVAILABLE;
                default -> ErrorCode.INTERNAL_ERROR;
            });
            String description = status.getStatus().getDescription();
            message = "media-svc: " + (description == null ? status.getStatus().getCode().name() : description);
        } else {
            code = ErrorCode.INTERNAL_ERROR;
            message = e.toString();
        }
        boolean last = task.attempt() >= task.maxAttempts();
        Instant retryAt = last ? null : clock.instant().plus(settings.backoff().after(task.attempt()));
        logger.info("Task {} (video {}) attempt {}/{} failed: {} {}{}", task.id(), task.videoId(), task.attempt(),
                    task.maxAttempts(), code, message, last ? "; giving up" : "; retrying at " + retryAt);
        return Outcome.failure(task, code, message, retryAt);
    }

    /** Writes outcomes as they come, all that are waiting in one transaction. Recorder thread only. */
    private void record() {
        List<Outcome> batch = new ArrayList<>();
        while (true) {
            try {
                batch.add(outcomes.take());
            } catch (InterruptedException e) {
                return;
            }
            outcomes.drainTo(batch, MAX_RECORD_BATCH - 1);
            boolean last = batch.remove(STOP_RECORDING);
            if (!batch.isEmpty()) {
                recordOrLetExpire(batch);
                batch.clear();
            }
            if (last) {
                return;
            }
        }
    }

    /**
     * Records {@code batch}, trying again for up to a lease when the database refuses (on Galera, conflicts
     * with the other nodes' claims can outlast one transaction's retries): an outcome not recorded lets its
     * lease expire and the task run a second time. Trying again is safe because an outcome whose lease
     * passed to another run is discarded, not written. Recorder thread only.
     */
    private void recordOrLetExpire(List<Outcome> batch) {
        long giveUpAt = System.nanoTime() + settings.lease().toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                for (ClaimedTask lost : leases.finish(batch, clock.instant())) {
                    logger.warn("Task {}: attempt {} finished after its lease passed to another run; " +
                                "its outcome is discarded", lost.id(), lost.attempt());
                }
                return;
            } catch (RuntimeException e) {
                if (System.nanoTime() >= giveUpAt) {
                    logger.warn("Could not record {} task outcomes within a lease: they run again", batch.size(), e);
                    return;
                }
                logger.warn("Could not record {} task outcomes (attempt {}): {}; trying again", batch.size(), attempt,
                            e.toString());
            }
            try {
                Thread.sleep(Math.min(RECORD_PAUSE_CAP.toMillis(), RECORD_PAUSE.toMillis() * attempt));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                logger.warn("Interrupted while recording {} task outcomes: they run again", batch.size());
                return;
            }
        }
    }

    /**
     * Stops claiming, hands back the tasks still queued, waits up to the stop timeout for the running
     * ones and records their outcomes. A run still going after that is abandoned: its lease expires and
     * another instance runs it again.
     */
    @Override
    public void close() {
        stopping = true;
        long deadline = System.nanoTime() + settings.stopTimeout().toNanos();
        dispatcher.shutdown();
        try {
            dispatcher.awaitTermination(remaining(deadline), TimeUnit.NANOSECONDS);
            List<ClaimedTask> queued = new ArrayList<>();
            queue.drainTo(queued);
            try {
                leases.release(queued, clock.instant());
            } catch (RuntimeException e) {
                logger.warn("Could not hand back {} queued tasks; their leases will expire", queued.size(), e);
            }
            workers.shutdown();
            for (int i = 0; i < settings.workers(); i++) {
                if (!queue.offer(STOP, remaining(deadline), TimeUnit.NANOSECONDS)) {
                    break;
                }
            }
            if (!workers.awaitTermination(remaining(deadline), TimeUnit.NANOSECONDS)) {
                logger.warn("Tasks still running after {}; abandoning them to their leases", settings.stopTimeout());
                workers.shutdownNow();
            }
            recorder.shutdown();
            if (!outcomes.offer(STOP_RECORDING, remaining(deadline), TimeUnit.NANOSECONDS) ||
                !recorder.awaitTermination(remaining(deadline), TimeUnit.NANOSECONDS)) {
                logger.warn("Outcomes still unrecorded after {}; their tasks run again once the leases expire",
                            settings.stopTimeout());
                recorder.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            workers.shutdownNow();
            recorder.shutdownNow();
        }
        logger.info("Task engine {} stopped", settings.instanceId());
    }

    private static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }
}
