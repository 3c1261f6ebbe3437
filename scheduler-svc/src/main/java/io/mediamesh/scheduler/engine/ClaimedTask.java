package io.mediamesh.scheduler.engine;

import java.time.Instant;

/**
 * A task this instance holds a lease on. {@code attempt} (the task's attempts after the claim) tells
 * this claim from any later one, even by the same instance, so a late finish cannot overwrite it.
 */
record ClaimedTask(long id, long videoId, int attempt, int maxAttempts, Instant leaseExpiresAt) {}
