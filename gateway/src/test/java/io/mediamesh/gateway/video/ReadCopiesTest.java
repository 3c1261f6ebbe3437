package io.mediamesh.gateway.video;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediamesh.api.v1.ListPublicVideosRequest;
import io.mediamesh.api.v1.ListVideosRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What the gateway keeps of user-svc's listing answers, and for how long, on a clock the test moves. */
class ReadCopiesTest {
    private static final ListVideosRequest ALICES = ListVideosRequest.newBuilder().setUserName("alice").build();
    private static final ListPublicVideosRequest FEED = ListPublicVideosRequest.getDefaultInstance();
    private static final byte[] PAGE = "{\"code\":\"ok\"}".getBytes(StandardCharsets.UTF_8);

    private final AtomicLong nanos = new AtomicLong();
    private final ReadCopies copies = new ReadCopies(nanos::get);

    @Test
    void aPageIsKeptForAsLongAsUserSvcSaidAndNoLonger() {
        copies.keep(ALICES, copies.generation(), PAGE, Duration.ofMillis(1_500));

        nanos.addAndGet(Duration.ofMillis(1_499).toNanos());
        assertThat(copies.json(ALICES)).contains(PAGE);
        assertThat(copies.json(ListVideosRequest.newBuilder(ALICES).setLimit(5).build()))
                .as("another page of the same listing").isEmpty();
        assertThat(copies.json(FEED)).isEmpty();

        nanos.addAndGet(Duration.ofMillis(1).toNanos());
        assertThat(copies.json(ALICES)).as("once reusable_for has passed").isEmpty();
    }

    @Test
    void aPageUserSvcSaysNotToReuseIsNotKept() {
        copies.keep(ALICES, copies.generation(), PAGE, Duration.ZERO);

        assertThat(copies.json(ALICES)).isEmpty();
    }

    @Test
    void aWriteForgetsEveryPage() {
        copies.keep(ALICES, copies.generation(), PAGE, Duration.ofSeconds(2));
        copies.keep(FEED, copies.generation(), PAGE, Duration.ofSeconds(2));

        copies.forgetAll();

        assertThat(copies.json(ALICES)).isEmpty();
        assertThat(copies.json(FEED)).isEmpty();
    }

    @Test
    void anAnswerAskedForBeforeAWriteIsNotKeptAfterIt() {
        long askedIn = copies.generation();
        copies.forgetAll();

        copies.keep(ALICES, askedIn, PAGE, Duration.ofSeconds(2));

        assertThat(copies.json(ALICES)).as("a page that may not hold the write").isEmpty();
        copies.keep(ALICES, copies.generation(), PAGE, Duration.ofSeconds(2));
        assertThat(copies.json(ALICES)).as("the next answer").contains(PAGE);
    }
}
