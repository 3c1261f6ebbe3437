package io.mediamesh.config.revision;

import static io.mediamesh.config.db.Tables.CONFIG_KINDS;
import static io.mediamesh.config.db.Tables.CONFIG_REVISIONS;

import io.mediamesh.api.v1.ConfigDocument;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.MediaServerRole;
import io.mediamesh.common.paging.Page;
import io.mediamesh.common.time.Times;
import io.mediamesh.config.ConfigKinds;
import io.mediamesh.config.ProtoJson;
import io.mediamesh.config.ServerRoles;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;

/**
 * The revisions of config documents. Rows are only inserted. Revision numbers are one sequence
 * per kind, shared by its roles: a write locks its kind's counter row, so concurrent writers (on
 * any replica) get consecutive numbers and a reader never sees a gap close later.
 */
public final class RevisionRepository {
    private final DSLContext db;

    public RevisionRepository(DSLContext db) {
        this.db = db;
    }

    /** Stores a new revision of (kind, role) under the kind's next number. */
    public ConfigRevisionRecord insert(ConfigKind kind, MediaServerRole role, ConfigDocument document, String author,
                                       String message, long revertedFrom, Instant now) {
        return db.transactionResult(tx -> insert(tx.dsl(), kind, role, document, author, message, revertedFrom, now));
    }

    /**
     * Stores {@code document} as the first revision of (kind, role) unless it has one already;
     * true if it did. Replicas starting together store one default between them.
     */
    public boolean insertIfNone(ConfigKind kind, MediaServerRole role, ConfigDocument document, String author,
                                String message, Instant now) {
        return db.transactionResult(tx -> {
            lockCounter(tx.dsl(), kind);
            if (tx.dsl().fetchExists(CONFIG_REVISIONS, target(kind, role))) {
                return false;
            }
            insert(tx.dsl(), kind, role, document, author, message, 0, now);
            return true;
        });
    }

    /** The latest revision of (kind, role) at or before {@code revision}; 0 = the latest of all. */
    public Optional<ConfigRevisionRecord> atOrBefore(ConfigKind kind, MediaServerRole role, long revision) {
        Condition condition = target(kind, role);
        if (revision > 0) {
            condition = condition.and(CONFIG_REVISIONS.REVISION.le(revision));
        }
        return db.selectFrom(CONFIG_REVISIONS).where(condition).orderBy(CONFIG_REVISIONS.REVISION.desc()).limit(1)
                 .fetchOptional(r -> toRecord(r, true));
    }

    public Optional<ConfigRevisionRecord> latest(ConfigKind kind, MediaServerRole role) {
        return atOrBefore(kind, role, 0);
    }

    /** Exactly revision {@code revision}, if it is one of (kind, role)'s. */
    public Optional<ConfigRevisionRecord> find(ConfigKind kind, MediaServerRole role, long revision) {
        return db.selectFrom(CONFIG_REVISIONS).where(target(kind, role).and(CONFIG_REVISIONS.REVISION.eq(revision)))
                 .fetchOptional(r -> toRecord(r, true));
    }

    /**
     * A page of a kind's revisions, newest first.
     *
     * @param role UNSPECIFIED = every role
     */
    public Page.Result<ConfigRevisionRecord> page(ConfigKind kind, MediaServerRole role, Page page,
                                                  boolean withDocuments) {
        Condition condition = role == MediaServerRole.MEDIA_SERVER_ROLE_UNSPECIFIED
                              ? CONFIG_REVISIONS.KIND.eq(ConfigKinds.name(kind)) : target(kind, role);
        var columns = withDocuments ? List.of(CONFIG_REVISIONS.fields())
                                    : List.of(CONFIG_REVISIONS.KIND, CONFIG_REVISIONS.ROLE, CONFIG_REVISIONS.REVISION,
                                              CONFIG_REVISIONS.AUTHOR, CONFIG_REVISIONS.MESSAGE,
                                              CONFIG_REVISIONS.REVERTED_FROM, CONFIG_REVISIONS.CREATED_AT);
        List<ConfigRevisionRecord> rows = db.select(columns)
                                            .from(CONFIG_REVISIONS)
                                            .where(condition.and(CONFIG_REVISIONS.REVISION.lt(page.before())))
                                            .orderBy(CONFIG_REVISIONS.REVISION.desc())
                                            .limit(page.fetchSize())
                                            .fetch(r -> toRecord(r, withDocuments));
        return page.result(rows, ConfigRevisionRecord::revision);
    }

    private static ConfigRevisionRecord insert(DSLContext tx, ConfigKind kind, MediaServerRole role,
                                               ConfigDocument document, String author, String message,
                                               long revertedFrom, Instant now) {
        long revision = lockCounter(tx, kind) + 1;
        tx.update(CONFIG_KINDS).set(CONFIG_KINDS.LAST_REVISION, revision)
          .where(CONFIG_KINDS.KIND.eq(ConfigKinds.name(kind))).execute();
        tx.insertInto(CONFIG_REVISIONS)
          .set(CONFIG_REVISIONS.KIND, ConfigKinds.name(kind))
          .set(CONFIG_REVISIONS.REVISION, revision)
          .set(CONFIG_REVISIONS.ROLE, ServerRoles.name(role))
          .set(CONFIG_REVISIONS.DOCUMENT, ProtoJson.write(document))
          .set(CONFIG_REVISIONS.AUTHOR, author)
          .set(CONFIG_REVISIONS.MESSAGE, message)
          .set(CONFIG_REVISIONS.REVERTED_FROM, revertedFrom)
          .set(CONFIG_REVISIONS.CREATED_AT, Times.toDb(now))
          .execute();
        return new ConfigRevisionRecord(kind, role, revision, document, author, message, revertedFrom, now);
    }

    /** Locks the kind's counter until the transaction ends and returns its last revision. */
    private static long lockCounter(DSLContext tx, ConfigKind kind) {
        return tx.select(CONFIG_KINDS.LAST_REVISION).from(CONFIG_KINDS)
                 .where(CONFIG_KINDS.KIND.eq(ConfigKinds.name(kind))).forUpdate()
                 .fetchSingle(CONFIG_KINDS.LAST_REVISION);
    }

    private static Condition target(ConfigKind kind, MediaServerRole role) {
        return CONFIG_REVISIONS.KIND.eq(ConfigKinds.name(kind)).and(CONFIG_REVISIONS.ROLE.eq(ServerRoles.name(role)));
    }

    private static ConfigRevisionRecord toRecord(Record r, boolean withDocument) {
        ConfigDocument document = withDocument ? ProtoJson.read(r.get(CONFIG_REVISIONS.DOCUMENT),
                                                                ConfigDocument.newBuilder())
                                               : ConfigDocument.getDefaultInstance();
        return new ConfigRevisionRecord(ConfigKinds.parse(r.get(CONFIG_REVISIONS.KIND)).orElseThrow(),
                                        ServerRoles.parse(r.get(CONFIG_REVISIONS.ROLE)).orElseThrow(),
                                        r.get(CONFIG_REVISIONS.REVISION), document, r.get(CONFIG_REVISIONS.AUTHOR),
                                        r.get(CONFIG_REVISIONS.MESSAGE), r.get(CONFIG_REVISIONS.REVERTED_FROM),
                                        Times.fromDb(r.get(CONFIG_REVISIONS.CREATED_AT)));
    }
}
