package io.mediamesh.user.user;

import static io.mediamesh.user.db.Tables.USERS;
import static io.mediamesh.user.db.Tables.VIDEOS;

import io.mediamesh.common.time.Times;
import io.mediamesh.user.deletion.DeletionOutbox;
import io.mediamesh.user.quota.QuotaRepository;
import io.mediamesh.user.db.tables.records.UsersRecord;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.exception.IntegrityConstraintViolationException;

/** The users table. */
public final class UserRepository {
    private final DSLContext db;

    public UserRepository(DSLContext db) {
        this.db = db;
    }

    /** Inserts a user; empty if the name (in any case) is taken. */
    public Optional<UserAccount> insert(String userName, String passwordHash, UserRole role, Instant now) {
        try {
            long id = db.insertInto(USERS)
                        .set(USERS.USER_NAME, userName)
                        .set(USERS.PASSWORD_HASH, passwordHash)
                        .set(USERS.ROLE, role.dbValue())
                        .set(USERS.CREATED_AT, Times.toDb(now))
                        .returningResult(USERS.ID)
                        .fetchOne(USERS.ID);
            return Optional.of(new UserAccount(id, userName, role, now));
        } catch (IntegrityConstraintViolationException e) {
            return Optional.empty();
        }
    }

    public Optional<UserAccount> findByName(String userName) {
        return db.selectFrom(USERS).where(USERS.USER_NAME.eq(userName)).fetchOptional(UserRepository::toAccount);
    }

    /** The stored password hash with the account, for a login. */
    public Optional<StoredCredentials> findCredentials(String userName) {
        return db.selectFrom(USERS).where(USERS.USER_NAME.eq(userName))
                 .fetchOptional(r -> new StoredCredentials(toAccount(r), r.getPasswordHash()));
    }

    /**
     * Deletes a user, and with them (by cascade) their sessions, videos and comments. Returns the
     * ids of the videos that were not deleted yet, whose file deletions are recorded in the outbox
     * in the same transaction.
     */
    public List<Long> delete(long userId, Instant now) {
        return db.transactionResult(tx -> {
            // The user's row first, as every quota check locks it before the videos.
            QuotaRepository.lockUser(tx.dsl(), userId);
            List<Long> videoIds = tx.dsl().select(VIDEOS.ID).from(VIDEOS)
                                    .where(VIDEOS.AUTHOR_ID.eq(userId).and(VIDEOS.DELETED_AT.isNull()))
                                    .forUpdate()
                                    .fetch(VIDEOS.ID);
            DeletionOutbox.add(tx.dsl(), videoIds, now);
            tx.dsl().deleteFrom(USERS).where(USERS.ID.eq(userId)).execute();
            return videoIds;
        });
    }

    public record StoredCredentials(UserAccount account, String passwordHash) {}

    static UserAccount toAccount(UsersRecord r) {
        return new UserAccount(r.getId(), r.getUserName(), UserRole.fromDb(r.getRole()),
                               Times.fromDb(r.getCreatedAt()));
    }
}
