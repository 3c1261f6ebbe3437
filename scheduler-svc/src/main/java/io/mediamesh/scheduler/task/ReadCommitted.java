package io.mediamesh.scheduler.task;

import io.mediamesh.common.db.ConflictRetry;
import java.sql.Connection;
import org.jooq.DSLContext;
import org.jooq.TransactionalCallable;
import org.jooq.impl.DSL;

/**
 * Transactions at READ COMMITTED. Every write to the tasks table runs in one: at MariaDB's default
 * REPEATABLE READ, locking reads and updates also lock the gaps between index entries, so finishing
 * tasks, claiming them and scheduling new ones (which insert right beside the entries the others
 * lock) would wait on each other. Correctness rests on row locks and conditional updates only.
 *
 * <p>Each runs again after a conflict ({@link ConflictRetry}): on a Galera cluster the row locks are
 * those of one node, so two instances on different nodes claiming the same due rows both get them,
 * and the one that commits second is rolled back at commit (a certification failure). Its retry
 * then finds them claimed. The transactions here touch nothing outside the database, so a rolled
 * back one may always run again.
 */
public final class ReadCommitted {
    private ReadCommitted() {}

    public static <T> T transaction(DSLContext db, ConflictRetry retry, TransactionalCallable<T> work) {
        return retry.run(() -> db.connectionResult(connection -> {
            // The pool puts the connection's own level back when it is returned.
            connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            return DSL.using(connection, db.dialect(), db.settings()).transactionResult(work);
        }));
    }
}
