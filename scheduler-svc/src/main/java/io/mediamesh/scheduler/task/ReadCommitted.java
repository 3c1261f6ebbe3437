package io.mediamesh.scheduler.task;

import java.sql.Connection;
import org.jooq.DSLContext;
import org.jooq.TransactionalCallable;
import org.jooq.impl.DSL;

/**
 * Transactions at READ COMMITTED. Every write to the tasks table runs in one: at MariaDB's default
 * REPEATABLE READ, locking reads and updates also lock the gaps between index entries, so finishing
 * tasks, claiming them and scheduling new ones (which insert right beside the entries the others
 * lock) would wait on each other. Correctness rests on row locks and conditional updates only.
 */
public final class ReadCommitted {
    private ReadCommitted() {}

    public static <T> T transaction(DSLContext db, TransactionalCallable<T> work) {
        return db.connectionResult(connection -> {
            // The pool puts the connection's own level back when it is returned.
            connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            return DSL.using(connection, db.dialect(), db.settings()).transactionResult(work);
        });
    }
}
