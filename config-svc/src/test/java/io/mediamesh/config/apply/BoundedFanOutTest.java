package io.mediamesh.config.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class BoundedFanOutTest {
    private final ExecutorService workers = Executors.newFixedThreadPool(8);

    @AfterEach
    void stopWorkers() throws InterruptedException {
        workers.shutdownNow();
        assertThat(workers.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void atMostMaxParallelRunAtOnceAndAllFinishBeforeItReturns() throws InterruptedException {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        Set<Integer> done = ConcurrentHashMap.newKeySet();
        CountDownLatch twoStarted = new CountDownLatch(2);

        new BoundedFanOut(workers, 2).run(IntStream.range(0, 10).boxed().toList(), () -> false, item -> {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            twoStarted.countDown();
            try {
                // Holds the first slots until both are taken, so that the bound is reached.
                twoStarted.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            running.decrementAndGet();
            done.add(item);
        });

        assertThat(mostAtOnce).hasValue(2);
        assertThat(done).hasSize(10);
    }

    @Test
    void aStopLetsStartedItemsFinishAndStartsNoOther() throws InterruptedException {
        List<Integer> started = new CopyOnWriteArrayList<>();

        new BoundedFanOut(workers, 1).run(List.of(1, 2, 3, 4), () -> started.contains(2), started::add);

        assertThat(started).containsExactly(1, 2);
    }

    @Test
    void aWorkerThatThrowsFailsTheRunWithItsCause() {
        assertThatThrownBy(() -> new BoundedFanOut(workers, 2).run(List.of(1), () -> false, item -> {
            throw new IllegalArgumentException("bad item " + item);
        })).isInstanceOf(IllegalStateException.class).hasMessage("A server's worker failed")
           .hasRootCauseMessage("bad item 1");
    }
}
