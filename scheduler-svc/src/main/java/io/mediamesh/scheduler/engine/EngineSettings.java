package io.mediamesh.scheduler.engine;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.UUID;

/**
 * How the dispatcher and executors run, from the {@code engine} and {@code retry} blocks.
 *
 * @param instanceId names this instance in leases; unique among the instances sharing a schema
 */
public record EngineSettings(String instanceId, Duration tick, int batchSize, int queueCapacity, int workers,
                             Duration lease, Duration stopTimeout, int maxAttempts, Backoff backoff) {
    public EngineSettings {
        if (instanceId.isEmpty() || instanceId.length() > 128) {
            throw new IllegalArgumentException("instance-id must have 1 to 128 characters");
        }
        if (batchSize < 1 || queueCapacity < 1 || workers < 1 || maxAttempts < 1) {
            throw new IllegalArgumentException("batch-size, queue-capacity, workers and max-attempts must be positive");
        }
        if (tick.isNegative() || tick.isZero() || lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("tick and lease must be positive");
        }
    }

    /** Reads {@code engine} and {@code retry} from scheduler-svc's block. */
    public static EngineSettings from(Config service) {
        Config e = service.getConfig("engine");
        Config r = service.getConfig("retry");
        String instanceId = e.getString("instance-id");
        return new EngineSettings(instanceId.isBlank() ? defaultInstanceId() : instanceId.trim(),
                                  e.getDuration("tick"), e.getInt("batch-size"), e.getInt("queue-capacity"),
                                  e.getInt("workers"), e.getDuration("lease"), e.getDuration("stop-timeout"),
                                  r.getInt("max-attempts"),
                                  new Backoff(r.getDuration("backoff-base"), r.getDouble("backoff-factor"),
                                              r.getDuration("backoff-cap")));
    }

    public EngineSettings withInstanceId(String otherInstanceId) {
        return new EngineSettings(otherInstanceId, tick, batchSize, queueCapacity, workers, lease, stopTimeout,
                                  maxAttempts, backoff);
    }

    /** The pid tells an operator which process; the random part keeps a restarted pid distinct. */
    private static String defaultInstanceId() {
        return "scheduler-" + ProcessHandle.current().pid() + '-' + UUID.randomUUID().toString().substring(0, 8);
    }
}
