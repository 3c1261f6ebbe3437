package io.mediamesh.user.user;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.error.ErrorCatalog;
import io.mediamesh.common.error.MediameshException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mediamesh.user.user.UserRepository.StoredCredentials;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The bound on password hashing, with real Argon2id hashes. */
@Tag("fast")
class PasswordHashingTest {
    private static final PasswordHasher OWASP = new PasswordHasher(19456, 2, 1);
    private static final UserAccount ALICE = new UserAccount(1, "alice", UserRole.USER, Instant.EPOCH);
    /** Slow enough (hundreds of ms) that a short queue timeout always passes first. */
    private static final PasswordHasher SLOW = new PasswordHasher(19456, 24, 1);

    @Test
    void atMostTheBoundRunsAndAtMostTheQueueWaitsTheRestIsTurnedAwayAtOnce() {
        Optional<StoredCredentials> stored = Optional.of(new StoredCredentials(ALICE, OWASP.hash("correct horse")));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (PasswordHashing hashing = new PasswordHashing(OWASP, 2, 2, Duration.ofSeconds(30))) {
            hashing.bindTo(registry);
            AtomicInteger lookups = new AtomicInteger();
            List<CompletableFuture<Optional<UserAccount>>> calls = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                calls.add(hashing.verify("correct horse", () -> {
                    lookups.incrementAndGet();
                    return stored;
                }, () -> false));
            }
            // Two run, two wait; the sixteen others were refused before any of those finished.
            assertThat(calls.subList(4, 20)).allSatisfy(call -> assertOverloaded(call, "30"));
            assertThat(registry.get(PasswordHashing.RUNNING_METER).gauge().value()).isLessThanOrEqualTo(2);
            assertThat(calls.subList(0, 4)).allSatisfy(call -> assertThat(call.join()).contains(ALICE));
            // Those turned away did not even look the user up.
            assertThat(lookups).hasValue(4);
            assertThat(registry.get(PasswordHashing.REJECTED_METER).functionCounter().count()).isEqualTo(16);
            assertThat(registry.get(PasswordHashing.CONCURRENCY_METER).gauge().value()).isEqualTo(2);
        }
    }

    @Test
    void aCallThatWaitsTooLongIsTurnedAwayWhenItsWaitIsOver() {
        try (PasswordHashing hashing = new PasswordHashing(SLOW, 1, 4, Duration.ofMillis(100))) {
            CompletableFuture<String> running = hashing.hash("password one", () -> false);
            CompletableFuture<String> waiting = hashing.hash("password two", () -> false);
            assertOverloaded(waiting, "1");
            assertThat(running).isNotDone();
            assertThat(running.join()).startsWith("$argon2id$");
        }
    }

    @Test
    void aCallAbandonedWhileWaitingCostsNoHash() {
        Optional<StoredCredentials> stored = Optional.of(new StoredCredentials(ALICE, OWASP.hash("correct horse")));
        try (PasswordHashing hashing = new PasswordHashing(SLOW, 1, 4, Duration.ofSeconds(30))) {
            CompletableFuture<String> running = hashing.hash("password one", () -> false);
            CompletableFuture<Optional<UserAccount>> abandoned = hashing.verify("correct horse", () -> stored,
                                                                                () -> true);
            running.join();
            assertOverloaded(abandoned, "30");
        }
    }

    @Test
    void aWrongPasswordAndAnUnknownUserAreBothNoAccount() {
        Optional<StoredCredentials> stored = Optional.of(new StoredCredentials(ALICE, OWASP.hash("correct horse")));
        try (PasswordHashing hashing = new PasswordHashing(OWASP, 1, 4, Duration.ofSeconds(30))) {
            assertThat(hashing.verify("wrong horse", () -> stored, () -> false).join()).isEmpty();
            // The decoy's own password matches nothing either.
            assertThat(hashing.verify("decoy password, never matched", Optional::empty, () -> false).join()).isEmpty();
            assertThat(hashing.verify("anything at all", Optional::empty, () -> false).join()).isEmpty();
        }
    }

    private static void assertOverloaded(CompletableFuture<?> call, String retryAfterSeconds) {
        assertThat(call).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class)
                        .havingCause()
                        .isInstanceOfSatisfying(MediameshException.class, e -> {
                            assertThat(e.code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE);
                            assertThat(e.metadata()).containsEntry(ErrorCatalog.RETRY_AFTER_METADATA,
                                                                   retryAfterSeconds);
                        });
    }
}
