package io.mediamesh.media.fileserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The token pool's arithmetic: exact under concurrency, capped per client, each token back once. */
@Tag("fast")
class AdmissionPoolTest {
    @Test
    void aClientGetsAtMostItsShareAndOthersTheRest() {
        AdmissionPool pool = new AdmissionPool("stream", 8, 0.25, new SimpleMeterRegistry());
        assertThat(pool.perClient()).isEqualTo(2);
        List<AdmissionPool.Token> held = new ArrayList<>();
        held.add(pool.tryAcquire("a").token().orElseThrow());
        held.add(pool.tryAcquire("a").token().orElseThrow());
        AdmissionPool.Admission third = pool.tryAcquire("a");
        assertThat(third.token()).isEmpty();
        assertThat(third.refusal()).contains("share");
        for (String client : List.of("b", "b", "c", "c", "d", "d")) {
            held.add(pool.tryAcquire(client).token().orElseThrow());
        }
        AdmissionPool.Admission full = pool.tryAcquire("e");
        assertThat(full.token()).isEmpty();
        assertThat(full.refusal()).contains("All 8");
        held.forEach(AdmissionPool.Token::close);
        assertThat(pool.inUse()).isZero();
    }

    @Test
    void closingATokenTwiceGivesItBackOnce() {
        AdmissionPool pool = new AdmissionPool("upload", 2, 1.0, new SimpleMeterRegistry());
        AdmissionPool.Token token = pool.tryAcquire("a").token().orElseThrow();
        AdmissionPool.Token other = pool.tryAcquire("b").token().orElseThrow();
        token.close();
        token.close();
        assertThat(pool.inUse()).isEqualTo(1);
        other.close();
        assertThat(pool.inUse()).isZero();
    }

    @Test
    void concurrentAdmissionsNeverExceedThePool() throws InterruptedException {
        AdmissionPool pool = new AdmissionPool("stream", 50, 1.0, new SimpleMeterRegistry());
        ExecutorService threads = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger granted = new AtomicInteger();
        List<AdmissionPool.Token> tokens = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 400; i++) {
            String client = "c" + i % 7;
            threads.execute(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                pool.tryAcquire(client).token().ifPresent(token -> {
                    granted.incrementAndGet();
                    tokens.add(token);
                });
            });
        }
        start.countDown();
        threads.shutdown();
        assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(granted.get()).isEqualTo(50);
        assertThat(pool.inUse()).isEqualTo(50);
        tokens.forEach(AdmissionPool.Token::close);
        assertThat(pool.inUse()).isZero();
    }
}
