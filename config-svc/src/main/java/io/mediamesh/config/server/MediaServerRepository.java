package io.mediamesh.config.server;

import static io.mediamesh.config.db.Tables.MEDIA_SERVERS;
import static io.mediamesh.config.db.Tables.SERVER_CONFIG_STATES;

import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.MediaServerRole;
import io.mediamesh.api.v1.ServerOverrides;
import io.mediamesh.api.v1.ServerStatus;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.common.paging.Page;
import io.mediamesh.common.time.Times;
import io.mediamesh.config.ConfigKinds;
import io.mediamesh.config.ProtoJson;
import io.mediamesh.config.ServerRoles;
import io.mediamesh.config.db.tables.records.MediaServersRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.exception.IntegrityConstraintViolationException;
import org.jooq.impl.DSL;

/**
 * The media-server registry: the media_servers table and what was last recorded as active on
 * each server (server_config_states). Uniqueness (name, agent endpoint, address with ports) is
 * enforced by the database's unique indexes, so concurrent writes cannot slip past it.
 */
public final class MediaServerRepository {
    private static final String STATUS_PREFIX = "SERVER_STATUS_";

    private final DSLContext db;

    public MediaServerRepository(DSLContext db) {
        this.db = db;
    }

    /** The columns a registration or an update writes from the spec. */
    private static Map<Field<?>, Object> specColumns(ServerSpec spec) {
        Map<Field<?>, Object> columns = new LinkedHashMap<>();
        columns.put(MEDIA_SERVERS.NAME, spec.name());
        columns.put(MEDIA_SERVERS.ROLE, ServerRoles.name(spec.role()));
        columns.put(MEDIA_SERVERS.PUBLIC_ADDRESS, spec.publicAddress());
        columns.put(MEDIA_SERVERS.INTERNAL_ADDRESS, spec.internalAddress());
        columns.put(MEDIA_SERVERS.RELAY_GROUP, spec.relayGroup());
        columns.put(MEDIA_SERVERS.AGENT_ENDPOINT, spec.agentEndpoint());
        columns.put(MEDIA_SERVERS.ENABLED, spec.enabled());
        columns.put(MEDIA_SERVERS.OVERRIDES, ProtoJson.write(spec.overrides()));
        columns.put(MEDIA_SERVERS.PORT_KEY, spec.portKey());
        return columns;
    }

    /** Registers a server; SERVER_ALREADY_EXISTS when its name, agent or address with ports is taken. */
    public MediaServerRecord insert(ServerSpec spec, Instant now) {
        try {
            long id = db.insertInto(MEDIA_SERVERS)
                        .set(specColumns(spec))
                        .set(MEDIA_SERVERS.STATUS, statusName(ServerStatus.SERVER_STATUS_UNKNOWN))
                        .set(MEDIA_SERVERS.STATUS_MESSAGE, "")
                        .set(MEDIA_SERVERS.CREATED_AT, Times.toDb(now))
                        .set(MEDIA_SERVERS.UPDATED_AT, Times.toDb(now))
                        .returningResult(MEDIA_SERVERS.ID)
                        .fetchOne(MEDIA_SERVERS.ID);
            return find(id).orElseThrow();
        } catch (IntegrityConstraintViolationException e) {
            throw conflict(spec, e);
        }
    }

    /**
     * Replaces a server's editable fields; empty if there is no such server. Its health stays as
     * it was: the next check will tell whether the new agent endpoint answers.
     */
    public Optional<MediaServerRecord> update(long id, ServerSpec spec, Instant now) {
        try {
            int updated = db.update(MEDIA_SERVERS)
                            .set(specColumns(spec))
                            .set(MEDIA_SERVERS.UPDATED_AT, Times.toDb(now))
                            .where(MEDIA_SERVERS.ID.eq(id))
                            .execute();
            return updated == 0 ? Optional.empty() : find(id);
        } catch (IntegrityConstraintViolationException e) {
            throw conflict(spec, e);
        }
    }

    /** Removes a server (and its recorded config states); false if there was none. */
    public boolean delete(long id) {
        return db.deleteFrom(MEDIA_SERVERS).where(MEDIA_SERVERS.ID.eq(id)).execute() == 1;
    }

    public Optional<MediaServerRecord> find(long id) {
        return db.selectFrom(MEDIA_SERVERS).where(MEDIA_SERVERS.ID.eq(id)).fetchOptional()
                 .map(row -> withConfigs(List.of(row)).get(0));
    }

    /** A page of servers, newest first. */
    public Page.Result<MediaServerRecord> page(ServerFilter filter, Page page) {
        List<MediaServersRecord> rows = db.selectFrom(MEDIA_SERVERS)
                                          .where(condition(filter).and(MEDIA_SERVERS.ID.lt(page.before())))
                                          .orderBy(MEDIA_SERVERS.ID.desc())
                                          .limit(page.fetchSize())
                                          .fetch();
        return page.result(withConfigs(rows), MediaServerRecord::id);
    }

    /** Every server the filter selects, by id: what an apply or a document check works on. */
    public List<MediaServerRecord> list(ServerFilter filter) {
        return withConfigs(db.selectFrom(MEDIA_SERVERS).where(condition(filter)).orderBy(MEDIA_SERVERS.ID).fetch());
    }

    /**
     * Records the outcome of a health check of the server's agent; false if the server is gone.
     *
     * @param message why it is UNHEALTHY; empty otherwise
     */
    public boolean updateStatus(long id, ServerStatus status, String message, Instant checkedAt) {
        return db.update(MEDIA_SERVERS)
                 .set(MEDIA_SERVERS.STATUS, statusName(status))
                 .set(MEDIA_SERVERS.STATUS_MESSAGE, message.length() > 1000 ? message.substring(0, 1000) : message)
                 .set(MEDIA_SERVERS.LAST_CHECKED_AT, Times.toDb(checkedAt))
                 .where(MEDIA_SERVERS.ID.eq(id))
                 .execute() == 1;
    }

    /** Records which version of a kind is now active on a server (after an apply or a report). */
    public void recordActiveConfig(long serverId, ConfigKind kind, String version, long revision, Instant activatedAt) {
        db.insertInto(SERVER_CONFIG_STATES)
          .set(SERVER_CONFIG_STATES.SERVER_ID, serverId)
          .set(SERVER_CONFIG_STATES.KIND, ConfigKinds.name(kind))
          .set(SERVER_CONFIG_STATES.ACTIVE_VERSION, version)
          .set(SERVER_CONFIG_STATES.REVISION, revision)
          .set(SERVER_CONFIG_STATES.ACTIVATED_AT, Times.toDb(activatedAt))
          .onDuplicateKeyUpdate()
          .set(SERVER_CONFIG_STATES.ACTIVE_VERSION, version)
          .set(SERVER_CONFIG_STATES.REVISION, revision)
          .set(SERVER_CONFIG_STATES.ACTIVATED_AT, Times.toDb(activatedAt))
          .execute();
    }

    private static Condition condition(ServerFilter filter) {
        Condition condition = DSL.noCondition();
        if (filter.role() != MediaServerRole.MEDIA_SERVER_ROLE_UNSPECIFIED) {
            condition = condition.and(MEDIA_SERVERS.ROLE.eq(ServerRoles.name(filter.role())));
        }
        if (!filter.relayGroup().isEmpty()) {
            condition = condition.and(MEDIA_SERVERS.RELAY_GROUP.eq(filter.relayGroup()));
        }
        if (filter.enabled().isPresent()) {
            condition = condition.and(MEDIA_SERVERS.ENABLED.eq(filter.enabled().get()));
        }
        if (filter.healthy().isPresent()) {
            Condition healthy = MEDIA_SERVERS.STATUS.eq(statusName(ServerStatus.SERVER_STATUS_HEALTHY));
            condition = condition.and(filter.healthy().get() ? healthy : healthy.not());
        }
        return condition;
    }

    /** The rows as records, with their config states read in one query. */
    private List<MediaServerRecord> withConfigs(Collection<MediaServersRecord> rows) {
        if (rows.isEmpty()) {
            return List.of();
        }
        Map<Long, List<MediaServerRecord.ActiveConfig>> configs =
                db.selectFrom(SERVER_CONFIG_STATES)
                  .where(SERVER_CONFIG_STATES.SERVER_ID.in(rows.stream().map(MediaServersRecord::getId).toList()))
                  .orderBy(SERVER_CONFIG_STATES.SERVER_ID, SERVER_CONFIG_STATES.KIND)
                  .fetch()
                  .stream()
                  .collect(Collectors.groupingBy(
                          r -> r.getServerId(),
                          Collectors.mapping(r -> new MediaServerRecord.ActiveConfig(
                                                     ConfigKinds.parse(r.getKind()).orElseThrow(),
                                                     r.getActiveVersion(), r.getRevision(),
                                                     Times.fromDb(r.getActivatedAt())),
                                             Collectors.toList())));
        List<MediaServerRecord> servers = new ArrayList<>(rows.size());
        for (MediaServersRecord r : rows) {
            servers.add(new MediaServerRecord(
                    r.getId(), r.getName(), ServerRoles.parse(r.getRole()).orElseThrow(), r.getPublicAddress(),
                    r.getInternalAddress(), r.getRelayGroup(), r.getAgentEndpoint(), r.getEnabled(),
                    ProtoJson.read(r.getOverrides(), ServerOverrides.newBuilder()),
                    ServerStatus.valueOf(STATUS_PREFIX + r.getStatus().toUpperCase(Locale.ROOT)),
                    r.getStatusMessage(), r.getLastCheckedAt() == null ? null : Times.fromDb(r.getLastCheckedAt()),
                    Times.fromDb(r.getCreatedAt()), Times.fromDb(r.getUpdatedAt()),
                    configs.getOrDefault(r.getId(), List.of())));
        }
        return servers;
    }

    private static String statusName(ServerStatus status) {
        return status.name().substring(STATUS_PREFIX.length()).toLowerCase(Locale.ROOT);
    }

    /** Names what is taken, from the unique index the database reports. */
    private static MediameshException conflict(ServerSpec spec, IntegrityConstraintViolationException e) {
        String detail = String.valueOf(e.getMessage());
        String message;
        if (detail.contains("media_servers_name")) {
            message = "A server named " + spec.name() + " is already registered.";
        } else if (detail.contains("media_servers_agent_endpoint")) {
            message = "Another server already has the agent at " + spec.agentEndpoint() + '.';
        } else if (detail.contains("media_servers_public_address")) {
            message = "Another server already uses public address " + spec.publicAddress() +
                      " with the same ports; give one of them other ports in its overrides.";
        } else if (detail.contains("media_servers_internal_address")) {
            message = "Another server already uses internal address " + spec.internalAddress() +
                      " with the same ports; give one of them other ports in its overrides.";
        } else {
            throw e;
        }
        return new MediameshException(ErrorCode.SERVER_ALREADY_EXISTS, message);
    }
}
