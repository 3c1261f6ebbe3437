package io.mediamesh.media.stream;

import static io.mediamesh.media.db.Tables.STREAMS;
import static io.mediamesh.media.db.Tables.STREAM_FORWARDERS;
import static io.mediamesh.media.db.Tables.STREAM_PORTS;
import static io.mediamesh.media.db.Tables.STREAM_PORT_CURSORS;
import static io.mediamesh.media.db.Tables.STREAM_TIERS;

import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.PortRange;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.common.paging.Page;
import io.mediamesh.common.time.Times;
import io.mediamesh.media.stream.StreamRecord.Forwarding;
import io.mediamesh.media.stream.TierRecord.ForwarderRecord;
import io.mediamesh.media.stream.TierRecord.TierPort;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;

/** The streams, stream_tiers, stream_ports, stream_port_cursors and stream_forwarders tables. */
public final class StreamRepository {
    private final DSLContext db;

    public StreamRepository(DSLContext db) {
        this.db = db;
    }

    /**
     * Inserts a new stream with its change lock held by its creator ({@link #endChange} releases
     * it): a reconcile pass would otherwise make its origin room at the same time as the creator.
     */
    public void insertHeld(StreamRecord stream) {
        db.insertInto(STREAMS)
          .set(STREAMS.ID, stream.id())
          .set(STREAMS.NAME, stream.name())
          .set(STREAMS.AUDIO, stream.audio())
          .set(STREAMS.VIDEO, stream.video())
          .set(STREAMS.SIMULCAST, stream.simulcast())
          .set(STREAMS.ENABLED, stream.enabled())
          .set(STREAMS.FORWARDING, stream.forwarding().dbName())
          .set(STREAMS.SECRET, stream.secret())
          .set(STREAMS.OWNER_ID, stream.ownerId())
          .set(STREAMS.OWNER_NAME, stream.ownerName())
          .set(STREAMS.CREATED_AT, Times.toDb(stream.createdAt()))
          .set(STREAMS.CHANGING_SINCE, Times.toDb(stream.createdAt()))
          .execute();
    }

    public Optional<StreamRecord> find(long id) {
        return db.selectFrom(STREAMS).where(STREAMS.ID.eq(id)).fetchOptional(StreamRepository::toStream);
    }

    /** The streams a user owns (their streams quota's usage). */
    public long countOwnedBy(long ownerId) {
        return db.fetchCount(STREAMS, STREAMS.OWNER_ID.eq(ownerId));
    }

    /** Streams by descending id, optionally only one owner's. */
    public Page.Result<StreamRecord> page(Optional<Long> ownerId, Page page) {
        Condition where = STREAMS.ID.lt(page.before());
        if (ownerId.isPresent()) {
            where = where.and(STREAMS.OWNER_ID.eq(ownerId.get()));
        }
        List<StreamRecord> rows = db.selectFrom(STREAMS).where(where).orderBy(STREAMS.ID.desc())
                                    .limit(page.fetchSize()).fetch(StreamRepository::toStream);
        return page.result(rows, StreamRecord::id);
    }

    public void delete(long id) {
        db.deleteFrom(STREAMS).where(STREAMS.ID.eq(id)).execute();
    }

    public void setEnabled(long id, boolean enabled) {
        db.update(STREAMS).set(STREAMS.ENABLED, enabled).where(STREAMS.ID.eq(id)).execute();
    }

    /**
     * Takes the stream's change lock if no one holds it: the one request (or reconcile pass)
     * allowed to change its tiers, across media-svc replicas. Returns the forwarding state it has,
     * or empty if the lock is held. Readers keep seeing the last settled state meanwhile.
     */
    public Optional<Forwarding> beginChange(long id, Instant now) {
        return db.transactionResult(tx -> {
            DSLContext t = tx.dsl();
            int taken = t.update(STREAMS).set(STREAMS.CHANGING_SINCE, Times.toDb(now))
                         .where(STREAMS.ID.eq(id).and(STREAMS.CHANGING_SINCE.isNull())).execute();
            if (taken == 0) {
                return Optional.empty();
            }
            return Optional.of(Forwarding.fromDb(t.select(STREAMS.FORWARDING).from(STREAMS).where(STREAMS.ID.eq(id))
                                                  .fetchOne().value1()));
        });
    }

    /** Releases the change lock, leaving forwarding {@code to}. */
    public void endChange(long id, Forwarding to) {
        db.update(STREAMS).set(STREAMS.FORWARDING, to.dbName()).setNull(STREAMS.CHANGING_SINCE)
          .where(STREAMS.ID.eq(id)).execute();
    }

    /** Releases change locks taken before {@code before}: their holder was cut off (a crash). */
    public List<Long> releaseStaleChanges(Instant before) {
        return db.transactionResult(tx -> {
            DSLContext t = tx.dsl();
            List<Long> stale = t.select(STREAMS.ID).from(STREAMS)
                                .where(STREAMS.CHANGING_SINCE.lt(Times.toDb(before))).forUpdate()
                                .fetch(r -> r.value1());
            t.update(STREAMS).setNull(STREAMS.CHANGING_SINCE).where(STREAMS.ID.in(stale)).execute();
            return stale;
        });
    }

    /** Stream tiers media-svc keeps on a server (part of its load for server choice). */
    public long tiersOnServer(long serverId) {
        return db.fetchCount(STREAM_TIERS, STREAM_TIERS.SERVER_ID.eq(serverId));
    }

    public void insertTier(TierRecord tier, Instant now) {
        db.insertInto(STREAM_TIERS)
          .set(STREAM_TIERS.STREAM_ID, tier.streamId())
          .set(STREAM_TIERS.SERVER_ID, tier.serverId())
          .set(STREAM_TIERS.ROLE, tier.role().dbName())
          .set(STREAM_TIERS.SERVER_NAME, tier.serverName())
          .set(STREAM_TIERS.SERVER_URL, tier.serverUrl())
          .set(STREAM_TIERS.RELAY_GROUP, tier.relayGroup())
          .set(STREAM_TIERS.HOST, tier.host())
          .set(STREAM_TIERS.UPSTREAM_SERVER_ID, tier.upstreamServerId())
          .set(STREAM_TIERS.CREATED_AT, Times.toDb(now))
          .execute();
    }

    /** Forgets a tier with its ports and forwarders. */
    public void deleteTier(long streamId, long serverId) {
        db.deleteFrom(STREAM_TIERS).where(STREAM_TIERS.STREAM_ID.eq(streamId).and(STREAM_TIERS.SERVER_ID.eq(serverId)))
          .execute();
    }

    /** The stream's tiers, origin first, then relays, then edges, with their ports and forwarders. */
    public List<TierRecord> tiers(long streamId) {
        return tiers(List.of(streamId)).getOrDefault(streamId, List.of());
    }

    /** The tiers of several streams (a page of them) in three queries, by stream id. */
    public Map<Long, List<TierRecord>> tiers(Collection<Long> streamIds) {
        Map<List<Long>, List<TierPort>> ports = db
                .selectFrom(STREAM_PORTS).where(STREAM_PORTS.STREAM_ID.in(streamIds)).orderBy(STREAM_PORTS.PORT)
                .fetchGroups(r -> List.of(r.getStreamId(), r.getServerId()),
                             r -> new TierPort(r.getPurpose(), r.getPort()));
        Map<List<Long>, List<ForwarderRecord>> forwarders = db
                .selectFrom(STREAM_FORWARDERS).where(STREAM_FORWARDERS.STREAM_ID.in(streamIds))
                .orderBy(STREAM_FORWARDERS.TARGET_SERVER_ID, STREAM_FORWARDERS.MID, STREAM_FORWARDERS.SUBSTREAM)
                .fetchGroups(r -> List.of(r.getStreamId(), r.getServerId()),
                             r -> new ForwarderRecord(r.getForwarderId(), r.getMedia(), r.getMid(), r.getSubstream(),
                                                      r.getTargetServerId(), r.getHost(), r.getPort()));
        Map<Long, List<TierRecord>> tiers = new HashMap<>();
        for (var r : db.selectFrom(STREAM_TIERS).where(STREAM_TIERS.STREAM_ID.in(streamIds))
                       .orderBy(DSL.field(STREAM_TIERS.ROLE.eq(TierRole.ORIGIN.dbName())).desc(),
                                DSL.field(STREAM_TIERS.ROLE.eq(TierRole.RELAY.dbName())).desc(),
                                STREAM_TIERS.SERVER_ID)
                       .fetch()) {
            List<Long> key = List.of(r.getStreamId(), r.getServerId());
            tiers.computeIfAbsent(r.getStreamId(), id -> new ArrayList<>()).add(
                    new TierRecord(r.getStreamId(), r.getServerId(), TierRole.fromDb(r.getRole()), r.getServerName(),
                                   r.getServerUrl(), r.getRelayGroup(), r.getHost(), r.getUpstreamServerId(),
                                   ports.getOrDefault(key, List.of()), forwarders.getOrDefault(key, List.of())));
        }
        return tiers;
    }

    /**
     * Takes one free port of {@code range} per purpose on the server for the tier, continuing
     * round the range from where the last allocation there stopped.
     *
     * @throws MediameshException SERVICE_UNAVAILABLE when the range has too few free ports
     */
    public List<TierPort> allocatePorts(long streamId, long serverId, PortRange range, List<String> purposes) {
        if (range.getMin() <= 0 || range.getMax() < range.getMin()) {
            throw new MediameshException(ErrorCode.SERVICE_UNAVAILABLE,
                                         "Server " + serverId + " has no streaming port range.");
        }
        return db.transactionResult(tx -> {
            DSLContext t = tx.dsl();
            // The cursor row serialises allocations on this server across replicas. Taken exclusively
            // at once: an insert that ignores the duplicate takes a shared lock, and two allocations
            // that both hold one and then select for update deadlock.
            t.insertInto(STREAM_PORT_CURSORS).set(STREAM_PORT_CURSORS.SERVER_ID, serverId)
             .set(STREAM_PORT_CURSORS.NEXT_PORT, range.getMin())
             .onDuplicateKeyUpdate().set(STREAM_PORT_CURSORS.NEXT_PORT, STREAM_PORT_CURSORS.NEXT_PORT).execute();
            int next = t.select(STREAM_PORT_CURSORS.NEXT_PORT).from(STREAM_PORT_CURSORS)
                        .where(STREAM_PORT_CURSORS.SERVER_ID.eq(serverId)).forUpdate().fetchOne().value1();
            Set<Integer> taken = new HashSet<>(t.select(STREAM_PORTS.PORT).from(STREAM_PORTS)
                                                .where(STREAM_PORTS.SERVER_ID.eq(serverId)).fetch(r -> r.value1()));
            int size = range.getMax() - range.getMin() + 1;
            int offset = Math.floorMod(next - range.getMin(), size);
            List<TierPort> ports = new ArrayList<>(purposes.size());
            for (int i = 0; i < size && ports.size() < purposes.size(); i++) {
                int port = range.getMin() + (offset + i) % size;
                if (!taken.contains(port)) {
                    ports.add(new TierPort(purposes.get(ports.size()), port));
                    next = port + 1;
                }
            }
            if (ports.size() < purposes.size()) {
                throw new MediameshException(ErrorCode.SERVICE_UNAVAILABLE,
                                             "No free stream ports left on server " + serverId + '.');
            }
            for (TierPort port : ports) {
                t.insertInto(STREAM_PORTS).set(STREAM_PORTS.SERVER_ID, serverId).set(STREAM_PORTS.PORT, port.port())
                 .set(STREAM_PORTS.STREAM_ID, streamId).set(STREAM_PORTS.PURPOSE, port.purpose()).execute();
            }
            t.update(STREAM_PORT_CURSORS).set(STREAM_PORT_CURSORS.NEXT_PORT, next)
             .where(STREAM_PORT_CURSORS.SERVER_ID.eq(serverId)).execute();
            return ports;
        });
    }

    public void releasePorts(long streamId, long serverId) {
        db.deleteFrom(STREAM_PORTS).where(STREAM_PORTS.STREAM_ID.eq(streamId).and(STREAM_PORTS.SERVER_ID.eq(serverId)))
          .execute();
    }

    public void insertForwarders(long streamId, long serverId, List<ForwarderRecord> forwarders) {
        for (ForwarderRecord f : forwarders) {
            db.insertInto(STREAM_FORWARDERS)
              .set(STREAM_FORWARDERS.STREAM_ID, streamId)
              .set(STREAM_FORWARDERS.SERVER_ID, serverId)
              .set(STREAM_FORWARDERS.FORWARDER_ID, f.forwarderId())
              .set(STREAM_FORWARDERS.MEDIA, f.media())
              .set(STREAM_FORWARDERS.MID, f.mid())
              .set(STREAM_FORWARDERS.SUBSTREAM, f.substream())
              .set(STREAM_FORWARDERS.TARGET_SERVER_ID, f.targetServerId())
              .set(STREAM_FORWARDERS.HOST, f.host())
              .set(STREAM_FORWARDERS.PORT, f.port())
              .execute();
        }
    }

    public void deleteForwarders(long streamId, long serverId) {
        db.deleteFrom(STREAM_FORWARDERS)
          .where(STREAM_FORWARDERS.STREAM_ID.eq(streamId).and(STREAM_FORWARDERS.SERVER_ID.eq(serverId))).execute();
    }

    /** Ids of every stream, for reconciliation. */
    public List<Long> allIds() {
        return db.select(STREAMS.ID).from(STREAMS).orderBy(STREAMS.ID).fetch(r -> r.value1());
    }

    private static StreamRecord toStream(Record r) {
        return new StreamRecord(r.get(STREAMS.ID), r.get(STREAMS.NAME), r.get(STREAMS.AUDIO), r.get(STREAMS.VIDEO),
                                r.get(STREAMS.SIMULCAST), r.get(STREAMS.ENABLED),
                                Forwarding.fromDb(r.get(STREAMS.FORWARDING)), r.get(STREAMS.SECRET),
                                r.get(STREAMS.OWNER_ID), r.get(STREAMS.OWNER_NAME),
                                Times.fromDb(r.get(STREAMS.CREATED_AT)));
    }
}
