package io.mediamesh.config.apply;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Works on items on a shared pool, at most {@code maxParallel} at once, and waits for all of them:
 * the pool is shared by every apply, so the bound is held here rather than by the pool's size.
 */
final class BoundedFanOut {
    private final ExecutorService workers;
    private final int maxParallel;

    BoundedFanOut(ExecutorService workers, int maxParallel) {
        this.workers = workers;
        this.maxParallel = maxParallel;
    }

    /**
     * Starts {@code work} for each item in order, each once a slot is free, until {@code stop} says
     * so (asked when a slot is free, so that items already started finish and no new one begins),
     * and returns when every started item has finished.
     */
    <T> void run(List<T> items, BooleanSupplier stop, Consumer<T> work) throws InterruptedException {
        Semaphore slots = new Semaphore(maxParallel);
        List<Future<?>> running = new ArrayList<>();
        for (T item : items) {
            slots.acquire();
            if (stop.getAsBoolean()) {
                slots.release();
                break;
            }
            running.add(workers.submit(() -> {
                try {
                    work.accept(item);
                } finally {
                    slots.release();
                }
            }));
        }
        for (Future<?> future : running) {
            try {
                future.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("A server's worker failed", e.getCause());
            }
        }
    }
}
