-- A schema for GaleraClusterTest: a counter rows many transactions increment at once.
CREATE TABLE counters (
    id    BIGINT NOT NULL PRIMARY KEY,
    value BIGINT NOT NULL
) ENGINE = InnoDB;

INSERT INTO counters (id, value) VALUES (1, 0);
