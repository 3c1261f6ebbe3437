package io.mediamesh.config.apply;

import io.mediamesh.api.v1.ApplyEvent;
import io.mediamesh.api.v1.ApplySummary;
import java.time.Instant;

/** The audit record of applies, which also holds the one-apply-per-kind guard. */
public interface ApplyAudit {
    /**
     * Records a starting apply and claims its kind.
     *
     * @return the apply's id
     * @throws io.mediamesh.common.error.MediameshException CONFIG_APPLY_IN_PROGRESS if an apply of
     *         that kind is running
     */
    long begin(ApplyPlan plan, Instant startedAt);

    void event(ApplyEvent event);

    /** Records how the apply ended and frees its kind. */
    void finish(long applyId, ApplySummary summary, String cancelReason);
}
