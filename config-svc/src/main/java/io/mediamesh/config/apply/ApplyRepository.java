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
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.exception.IntegrityConstraintViolationException;

/**
 * The audit record of applies: one row per apply (its plan, then its summary) and one per event,
 * written as the apply streams. The row's {@code running_kind} is the one-apply-per-kind guard: a
 * unique index over it, cleared when the apply ends. A running row names its owner, the replica
 * running it, whose lease says it is alive; other replicas end it only once that lease expired.
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
     * kind is running. The apply is {@code owner}'s (a replica's instance id), under a lease until
     * {@code leaseExpiresAt}. Returns the apply's id.
     *
     * <p>On a Galera cluster two config-svc instances on different nodes may insert the same kind at
     * once: each node's unique index sees only its own row, and the insert that reaches the cluster
     * second fails certification (a deadlock error) rather than the duplicate key. It is run again:
     * by then the winner's row has arrived, and the duplicate key answers as on one server.
     */
    public long begin(ApplyPlan plan, Instant startedAt, String owner, Instant leaseExpiresAt) {
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
                     .set(CONFIG_APPLIES.OWNER, owner)
                     .set(CONFIG_APPLIES.LEASE_EXPIRES_AT, Times.toDb(leaseExpiresAt))
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
          .set(CONFIG_APPLIES.PROMOTE_REQUESTED, false)
          .setNull(CONFIG_APPLIES.CANCEL_REQUESTED)
          .where(CONFIG_APPLIES.ID.eq(applyId))
          .execute());
    }

    /**
     * Extends the lease of {@code owner}'s running applies among {@code applyIds} to
     * {@code expiresAt}.
     *
     * @return those of {@code applyIds} that are no longer running as {@code owner}'s: another
     *         replica ended them after their lease expired
     */
    public Set<Long> renew(String owner, Set<Long> applyIds, Instant expiresAt) {
        if (applyIds.isEmpty()) {
            return Set.of();
        }
        Condition held = CONFIG_APPLIES.ID.in(applyIds).and(CONFIG_APPLIES.OWNER.eq(owner))
                                          .and(CONFIG_APPLIES.RUNNING_KIND.isNotNull());
        int renewed = retry.run(() -> db.update(CONFIG_APPLIES)
                                        .set(CONFIG_APPLIES.LEASE_EXPIRES_AT, Times.toDb(expiresAt))
                                        .where(held).execute());
        if (renewed == applyIds.size()) {
            return Set.of();
        }
        Set<Long> lost = new HashSet<>(applyIds);
        lost.removeAll(db.select(CONFIG_APPLIES.ID).from(CONFIG_APPLIES).where(held).fetchSet(CONFIG_APPLIES.ID));
        return lost;
    }

    /**
     * Records a promote or a cancel of a running apply for the replica that runs it, which acts on
     * it at its next lease renewal ({@link #takeControlRequests}).
     *
     * @return false if no apply {@code applyId} is running
     */
    public boolean requestControl(long applyId, boolean promote, String cancelReason) {
        var update = promote ? db.update(CONFIG_APPLIES).set(CONFIG_APPLIES.PROMOTE_REQUESTED, true)
                             : db.update(CONFIG_APPLIES).set(CONFIG_APPLIES.CANCEL_REQUESTED, abbreviate(cancelReason));
        return retry.run(() -> update.where(CONFIG_APPLIES.ID.eq(applyId).and(CONFIG_APPLIES.RUNNING_KIND.isNotNull()))
                                     .execute()) == 1;
    }

    /** A promote and/or a cancel that another replica recorded for one of this replica's applies. */
    public record ControlRequest(long applyId, boolean promote, String cancelReason) {}

    /**
     * Takes (reads and clears) the control requests recorded for {@code owner}'s running applies
     * among {@code applyIds}. A request is cleared only as it was read, so one recorded meanwhile
     * is taken next time.
     */
    public List<ControlRequest> takeControlRequests(String owner, Set<Long> applyIds) {
        if (applyIds.isEmpty()) {
            return List.of();
        }
        List<ControlRequest> requests = db.select(CONFIG_APPLIES.ID, CONFIG_APPLIES.PROMOTE_REQUESTED,
                                                  CONFIG_APPLIES.CANCEL_REQUESTED)
                .from(CONFIG_APPLIES)
                .where(CONFIG_APPLIES.ID.in(applyIds).and(CONFIG_APPLIES.OWNER.eq(owner))
                                        .and(CONFIG_APPLIES.RUNNING_KIND.isNotNull())
                                        .and(CONFIG_APPLIES.PROMOTE_REQUESTED.isTrue()
                                                 .or(CONFIG_APPLIES.CANCEL_REQUESTED.isNotNull())))
                .fetch(row -> new ControlRequest(row.value1(), row.value2(), row.value3()));
        List<ControlRequest> taken = new ArrayList<>(requests.size());
        for (ControlRequest request : requests) {
            Condition asRead = CONFIG_APPLIES.ID.eq(request.applyId())
                    .and(CONFIG_APPLIES.PROMOTE_REQUESTED.eq(request.promote()))
                    .and(CONFIG_APPLIES.CANCEL_REQUESTED.isNotDistinctFrom(request.cancelReason()));
            int cleared = retry.run(() -> db.update(CONFIG_APPLIES)
                                            .set(CONFIG_APPLIES.PROMOTE_REQUESTED, false)
                                            .setNull(CONFIG_APPLIES.CANCEL_REQUESTED)
                                            .where(asRead).execute());
            if (cleared == 1) {
                taken.add(request);
            }
        }
        return taken;
    }

    /** A running apply that was ended here because the replica running it is gone. */
    public record Abandoned(long applyId, String kind, String owner, String reason) {}

    /**
     * Ends the running applies whose owner's lease expired before {@code now} (the replica that
     * ran them died, or lost the database for longer than a lease), and those of {@code owner}
     * when given (this replica starting: nothing of its own can be running yet, even under an
     * instance id a previous process had), so that their kinds can be applied again. Each is
     * marked FAILED with the reason. An apply whose lease is renewed meanwhile is left alone.
     */
    public List<Abandoned> abandon(Instant now, Optional<String> owner) {
        LocalDateTime at = Times.toDb(now);
        Condition gone = CONFIG_APPLIES.LEASE_EXPIRES_AT.isNull().or(CONFIG_APPLIES.LEASE_EXPIRES_AT.lt(at));
        if (owner.isPresent()) {
            gone = gone.or(CONFIG_APPLIES.OWNER.eq(owner.get()));
        }
        List<Abandoned> abandoned = new ArrayList<>();
        for (var row : db.select(CONFIG_APPLIES.ID, CONFIG_APPLIES.KIND, CONFIG_APPLIES.OWNER,
                                 CONFIG_APPLIES.LEASE_EXPIRES_AT)
                         .from(CONFIG_APPLIES).where(CONFIG_APPLIES.RUNNING_KIND.isNotNull().and(gone)).fetch()) {
            String reason = abandonReason(row.value3(), row.value4(), owner);
            int ended = retry.run(() -> db.update(CONFIG_APPLIES)
                    .set(CONFIG_APPLIES.RUNNING_KIND, (String) null)
                    .set(CONFIG_APPLIES.OUTCOME, name(ApplyOutcome.APPLY_OUTCOME_FAILED, "APPLY_OUTCOME_"))
                    .set(CONFIG_APPLIES.CANCEL_REASON, reason)
                    .set(CONFIG_APPLIES.FINISHED_AT, at)
                    .set(CONFIG_APPLIES.PROMOTE_REQUESTED, false)
                    .setNull(CONFIG_APPLIES.CANCEL_REQUESTED)
                    .where(CONFIG_APPLIES.ID.eq(row.value1()).and(CONFIG_APPLIES.RUNNING_KIND.isNotNull())
                                            .and(CONFIG_APPLIES.LEASE_EXPIRES_AT.isNotDistinctFrom(row.value4())))
                    .execute());
            if (ended == 1) {
                abandoned.add(new Abandoned(row.value1(), row.value2(), row.value3(), reason));
            }
        }
        return abandoned;
    }

    private static String abandonReason(String runBy, LocalDateTime leaseExpiresAt, Optional<String> restarted) {
        if (runBy.isEmpty() || leaseExpiresAt == null) {
            return "config-svc stopped during the apply.";
        }
        if (restarted.isPresent() && restarted.get().equals(runBy)) {
            return "config-svc replica " + runBy + " restarted during the apply.";
        }
        return "config-svc replica " + runBy + " stopped during the apply: its lease expired at "
               + Times.fromDb(leaseExpiresAt) + " without renewal.";
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
