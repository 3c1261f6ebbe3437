package io.mediamesh.config.apply;

import static io.mediamesh.config.db.Tables.CONFIG_APPLIES;
import static io.mediamesh.config.db.Tables.CONFIG_APPLY_EVENTS;

import com.google.protobuf.ProtocolMessageEnum;
import io.mediamesh.api.v1.ApplyEvent;
import io.mediamesh.api.v1.ApplyOutcome;
import io.mediamesh.api.v1.ApplyPolicy;
import io.mediamesh.api.v1.ApplyRecord;
import io.mediamesh.api.v1.ApplyStarted;
import io.mediamesh.api.v1.ApplyStep;
import io.mediamesh.api.v1.ApplySummary;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.PromotionMode;
import io.mediamesh.common.db.ConflictRetry;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.common.paging.Page;
import io.mediamesh.common.time.Times;
import io.mediamesh.config.ConfigKinds;
import io.mediamesh.config.ProtoJson;
import io.mediamesh.config.ServerRoles;
import io.mediamesh.config.db.tables.records.ConfigAppliesRecord;
import io.mediamesh.config.db.tables.records.ConfigApplyEventsRecord;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.exception.IntegrityConstraintViolationException;

/**
 * The audit record of applies: one row per apply (its plan, then its summary) and one per event,
 * written as the apply streams. The row's {@code running_kind} is the one-apply-per-kind guard: a
 * unique index over it, cleared when the apply ends.
 */
public final class ApplyRepository {
    private final DSLContext db;
    private final ConflictRetry retry;

    public ApplyRepository(DSLContext db, ConflictRetry retry) {
        this.db = db;
        this.retry = retry;
    }

    /**
     * Records a starting apply and claims its kind; CONFIG_APPLY_IN_PROGRESS if an apply of that
     * kind is running. Returns the apply's id.
     *
     * <p>On a Galera cluster two config-svc instances on different nodes may insert the same kind at
     * once: each node's unique index sees only its own row, and the insert that reaches the cluster
     * second fails certification (a deadlock error) rather than the duplicate key. It is run again:
     * by then the winner's row has arrived, and the duplicate key answers as on one server.
     */
    public long begin(ApplyPlan plan, Instant startedAt) {
        ApplyStarted stages = ApplyStarted.newBuilder().addAllStages(ApplyCoordinator.stages(plan)).build();
        try {
            return retry.run(() -> db.insertInto(CONFIG_APPLIES)
                     .set(CONFIG_APPLIES.KIND, ConfigKinds.name(plan.kind()))
                     .set(CONFIG_APPLIES.RUNNING_KIND, ConfigKinds.name(plan.kind()))
                     .set(CONFIG_APPLIES.ROLES, plan.roles().stream().map(ServerRoles::name)
                                                    .collect(Collectors.joining(",")))
                     .set(CONFIG_APPLIES.REQUESTED_REVISION, plan.requestedRevision())
                     .set(CONFIG_APPLIES.POLICY, name(plan.policy(), "APPLY_POLICY_"))
                     .set(CONFIG_APPLIES.PROMOTION, name(plan.promotion(), "PROMOTION_MODE_"))
                     .set(CONFIG_APPLIES.AUTHOR, plan.author())
                     .set(CONFIG_APPLIES.MESSAGE, plan.message())
                     .set(CONFIG_APPLIES.PLAN, ProtoJson.write(stages))
                     .set(CONFIG_APPLIES.CANCEL_REASON, "")
                     .set(CONFIG_APPLIES.STARTED_AT, Times.toDb(startedAt))
                     .returningResult(CONFIG_APPLIES.ID)
                     .fetchOne(CONFIG_APPLIES.ID));
        } catch (IntegrityConstraintViolationException e) {
            throw new MediameshException(ErrorCode.CONFIG_APPLY_IN_PROGRESS,
                                         "An apply of " + ConfigKinds.name(plan.kind()) + " is already running.");
        }
    }

    /** Appends events (of any applies) in one batch. */
    public void events(List<ApplyEvent> events) {
        db.batchInsert(events.stream().map(event -> {
            ConfigApplyEventsRecord row = new ConfigApplyEventsRecord();
            row.setApplyId(event.getApplyId());
            row.setSequence(event.getSequence());
            row.setServerId(event.getServerId());
            row.setServerName(event.getServerName());
            row.setRole(ServerRoles.name(event.getRole()));
            row.setStep(name(event.getStep(), "APPLY_STEP_"));
            row.setErrorCode(event.getErrorCode() == ErrorCode.ERROR_CODE_UNSPECIFIED ? ""
                                                                                     : event.getErrorCode().name());
            row.setMessage(event.getMessage());
            row.setToolOutput(event.getToolOutput());
            row.setVersion(event.getVersion());
            row.setAt(Times.toDb(Times.fromProto(event.getAt())));
            return row;
        }).toList()).execute();
    }

    /**
     * Records how the apply ended and frees its kind. On Galera, clearing the kind can conflict with
     * another instance's insert of the same kind on another node (both touch the unique key); the
     * update is run again then, it sets the same values.
     */
    public void finish(long applyId, ApplySummary summary, String cancelReason) {
        retry.run(() -> db.update(CONFIG_APPLIES)
          .set(CONFIG_APPLIES.RUNNING_KIND, (String) null)
          .set(CONFIG_APPLIES.SUMMARY, ProtoJson.write(summary))
          .set(CONFIG_APPLIES.OUTCOME, name(summary.getOutcome(), "APPLY_OUTCOME_"))
          .set(CONFIG_APPLIES.CANCEL_REASON, abbreviate(cancelReason))
          .set(CONFIG_APPLIES.FINISHED_AT, Times.toDb(Times.fromProto(summary.getFinishedAt())))
          .where(CONFIG_APPLIES.ID.eq(applyId))
          .execute());
    }

    /**
     * Ends applies left running by a config-svc that stopped mid-apply (one config-svc runs
     * applies; a new one starting means the old one is gone), so their kinds can be applied again.
     *
     * @return how many there were
     */
    public int abandonRunning(Instant now) {
        return db.update(CONFIG_APPLIES)
                 .set(CONFIG_APPLIES.RUNNING_KIND, (String) null)
                 .set(CONFIG_APPLIES.OUTCOME, name(ApplyOutcome.APPLY_OUTCOME_FAILED, "APPLY_OUTCOME_"))
                 .set(CONFIG_APPLIES.CANCEL_REASON, "config-svc stopped during the apply.")
                 .set(CONFIG_APPLIES.FINISHED_AT, Times.toDb(now))
                 .where(CONFIG_APPLIES.RUNNING_KIND.isNotNull())
                 .execute();
    }

    /**
     * A page of applies, newest first; {@code kind} UNSPECIFIED = every kind; {@code outcome} empty =
     * any, UNSPECIFIED = those still running.
     */
    public Page.Result<ApplyRecord> page(ConfigKind kind, Optional<ApplyOutcome> outcome, Page page) {
        Condition condition = CONFIG_APPLIES.ID.lt(page.before());
        if (kind != ConfigKind.CONFIG_KIND_UNSPECIFIED) {
            condition = condition.and(CONFIG_APPLIES.KIND.eq(ConfigKinds.name(kind)));
        }
        if (outcome.isPresent()) {
            condition = condition.and(outcome.get() == ApplyOutcome.APPLY_OUTCOME_UNSPECIFIED
                                      ? CONFIG_APPLIES.OUTCOME.isNull()
                                      : CONFIG_APPLIES.OUTCOME.eq(name(outcome.get(), "APPLY_OUTCOME_")));
        }
        List<ApplyRecord> rows = db.selectFrom(CONFIG_APPLIES).where(condition).orderBy(CONFIG_APPLIES.ID.desc())
                                   .limit(page.fetchSize()).fetch(ApplyRepository::toProto);
        return page.result(rows, ApplyRecord::getApplyId);
    }

    public Optional<ApplyRecord> find(long applyId) {
        return db.selectFrom(CONFIG_APPLIES).where(CONFIG_APPLIES.ID.eq(applyId))
                 .fetchOptional(ApplyRepository::toProto);
    }

    /** Every event of an apply, in sequence order. */
    public List<ApplyEvent> events(long applyId) {
        return db.selectFrom(CONFIG_APPLY_EVENTS).where(CONFIG_APPLY_EVENTS.APPLY_ID.eq(applyId))
                 .orderBy(CONFIG_APPLY_EVENTS.SEQUENCE)
                 .fetch(row -> ApplyEvent.newBuilder()
                                         .setApplyId(row.getApplyId())
                                         .setSequence(row.getSequence())
                                         .setServerId(row.getServerId())
                                         .setServerName(row.getServerName())
                                         .setRole(ServerRoles.parse(row.getRole()).orElseThrow())
                                         .setStep(parse(ApplyStep.values(), "APPLY_STEP_", row.getStep()))
                                         .setErrorCode(row.getErrorCode().isEmpty() ? ErrorCode.ERROR_CODE_UNSPECIFIED
                                                                                    : ErrorCode.valueOf(row.getErrorCode()))
                                         .setMessage(row.getMessage())
                                         .setToolOutput(row.getToolOutput())
                                         .setVersion(row.getVersion())
                                         .setAt(Times.toProto(Times.fromDb(row.getAt())))
                                         .build());
    }

    private static ApplyRecord toProto(ConfigAppliesRecord row) {
        ApplyStarted plan = ProtoJson.read(row.getPlan(), ApplyStarted.newBuilder());
        ApplyRecord.Builder record = ApplyRecord.newBuilder()
                .setApplyId(row.getId())
                .setKind(ConfigKinds.parse(row.getKind()).orElseThrow())
                .setRequestedRevision(row.getRequestedRevision())
                .addAllStages(plan.getStagesList())
                .setPolicy(parse(ApplyPolicy.values(), "APPLY_POLICY_", row.getPolicy()))
                .setPromotion(parse(PromotionMode.values(), "PROMOTION_MODE_", row.getPromotion()))
                .setAuthor(row.getAuthor())
                .setMessage(row.getMessage())
                .setStartedAt(Times.toProto(Times.fromDb(row.getStartedAt())))
                .setCancelReason(row.getCancelReason());
        Arrays.stream(row.getRoles().split(",")).filter(role -> !role.isEmpty())
              .map(role -> ServerRoles.parse(role).orElseThrow()).forEach(record::addRoles);
        if (row.getSummary() != null) {
            record.setSummary(ProtoJson.<ApplySummary>read(row.getSummary(), ApplySummary.newBuilder()));
        }
        if (row.getFinishedAt() != null) {
            record.setFinishedAt(Times.toProto(Times.fromDb(row.getFinishedAt())));
        }
        return record.build();
    }

    /** APPLY_STEP_ROLLED_BACK with prefix "APPLY_STEP_" -> "rolled_back". */
    private static String name(ProtocolMessageEnum value, String prefix) {
        return value.getValueDescriptor().getName().substring(prefix.length()).toLowerCase(Locale.ROOT);
    }

    private static <E extends Enum<E> & ProtocolMessageEnum> E parse(E[] values, String prefix, String name) {
        String wanted = prefix + name.toUpperCase(Locale.ROOT);
        return Arrays.stream(values).filter(value -> value.name().equals(wanted)).findFirst().orElseThrow(
                () -> new IllegalStateException("Unknown stored value " + name));
    }

    private static String abbreviate(String text) {
        return text.length() <= 1000 ? text : text.substring(0, 997) + "...";
    }
}
