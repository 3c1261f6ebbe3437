package io.mediamesh.user.user;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The bound on password hashing, from the {@code passwords} block.
 *
 * @param maxConcurrentHashes hashes running at once; 0 derives it from the heap
 * @param heapShare the share of the heap that running hashes may hold, when derived
 * @param cpuShare the share of the processors that running hashes may keep busy, when derived
 * @param queue calls that may wait for a slot
 * @param queueTimeout longest wait for a slot before a call is turned away
 */
public record HashingSettings(int maxConcurrentHashes, double heapShare, double cpuShare, int queue,
                              Duration queueTimeout) {
    public static HashingSettings from(Config passwords) {
        return new HashingSettings(passwords.getInt("max-concurrent-hashes"),
                                   passwords.getDouble("hash-heap-share"),
                                   passwords.getDouble("hash-cpu-share"),
                                   passwords.getInt("hash-queue"),
                                   passwords.getDuration("hash-queue-timeout"));
    }

    /**
     * How many hashes may run at once: the configured number, or as many hashes of
     * {@code memoryKib} as fit in {@link #heapShare} of {@code maxHeapBytes}, but no more than
     * {@link #cpuShare} of the processors (each hash keeps one busy: the rest is left to the
     * service's other calls), and at least one.
     */
    public int concurrency(long maxHeapBytes, int memoryKib, int processors) {
        if (maxConcurrentHashes > 0) {
            return maxConcurrentHashes;
        }
        long fitting = (long) (maxHeapBytes * heapShare) / (memoryKib * 1024L);
        long cores = (long) (processors * cpuShare);
        return (int) Math.max(1, Math.min(fitting, cores));
    }
}
