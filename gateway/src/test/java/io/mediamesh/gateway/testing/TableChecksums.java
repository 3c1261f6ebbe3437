package io.mediamesh.gateway.testing;

import io.mediamesh.common.time.Times;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.Record;

/**
 * Every row of every table of some schemas, reduced to a checksum per table by one query: two
 * snapshots as of the same instant that are equal mean nothing was inserted, deleted or changed.
 * Columns named in {@code excluded} (by table name, in any schema) are left out: bookkeeping that
 * may change without the data changing. Tables named in {@code liveRows} are read only where
 * their condition holds for the instant of the snapshot (its one {@code ?}): rows already dead
 * then, which housekeeping may delete at any time, are not compared.
 */
public final class TableChecksums {
    private final DSLContext db;
    private final String query;

    private final int binds;

    public TableChecksums(DSLContext db, List<String> schemas, Map<String, Set<String>> excluded,
                          Map<String, String> liveRows) {
        this.db = db;
        String in = schemas.stream().map(s -> "'" + s + "'").collect(Collectors.joining(","));
        Map<String, List<String>> columns = new LinkedHashMap<>();
        Map<String, String> conditions = new LinkedHashMap<>();
        for (Record column : db.fetch("SELECT c.table_schema, c.table_name, c.column_name " +
                                      "FROM information_schema.columns c JOIN information_schema.tables t " +
                                      "ON t.table_schema = c.table_schema AND t.table_name = c.table_name " +
                                      "WHERE t.table_type = 'BASE TABLE' AND c.table_schema IN (" + in + ") " +
                                      "ORDER BY c.table_schema, c.table_name, c.ordinal_position")) {
            String table = column.get(1, String.class);
            String name = column.get(2, String.class);
            String key = '`' + column.get(0, String.class) + "`.`" + table + '`';
            if (liveRows.containsKey(table)) {
                conditions.put(key, liveRows.get(table));
            }
            if (!excluded.getOrDefault(table, Set.of()).contains(name)) {
                columns.computeIfAbsent(key, t -> new ArrayList<>()).add(
                        "QUOTE(`" + name + "`)");
            }
        }
        // Per table: its row count, and the sum and XOR of a hash of each row (QUOTE keeps NULL apart from 'NULL').
        this.query = columns.entrySet().stream().map(table -> {
            String row = "CONCAT_WS(',', " + String.join(", ", table.getValue()) + ")";
            return "SELECT '" + table.getKey() + "' AS t, CONCAT(COUNT(*), '/', COALESCE(SUM(CRC32(" + row +
                   ")), 0), '/', COALESCE(BIT_XOR(CONV(LEFT(MD5(" + row + "), 16), 16, 10)), 0)) AS c FROM " +
                   table.getKey() + (conditions.containsKey(table.getKey()) ? " WHERE " + conditions.get(table.getKey())
                                                                           : "");
        }).collect(Collectors.joining(" UNION ALL "));
        this.binds = conditions.size();
    }

    /** Table name to checksum, as of {@code at} (compare snapshots taken as of the same instant). */
    public Map<String, String> take(Instant at) {
        Map<String, String> sums = new LinkedHashMap<>();
        db.fetch(query, Collections.nCopies(binds, Times.toDb(at)).toArray()).forEach(r -> sums.put(r.get(0, String.class), r.get(1, String.class)));
        return sums;
    }
}
