-- config-svc's schema: the media-server registry and the config documents' revisions. Times are
-- UTC. The schema's default collation is case-insensitive, so names and host names are unique
-- regardless of case.

CREATE TABLE media_servers (
    id               BIGINT        NOT NULL AUTO_INCREMENT,
    name             VARCHAR(64)   NOT NULL,
    -- origin, relay or edge
    role             VARCHAR(16)   NOT NULL,
    public_address   VARCHAR(253)  NOT NULL,
    internal_address VARCHAR(253)  NOT NULL,
    relay_group      VARCHAR(64)   NOT NULL,
    agent_endpoint   VARCHAR(300)  NOT NULL,
    enabled          BOOLEAN       NOT NULL,
    -- ServerOverrides as protobuf JSON (proto field names), so new overrides need no migration.
    overrides        TEXT          NOT NULL,
    -- The overrides' listening ports ("janus_http/janus_admin/coturn/coturn_tls/nginx"): together
    -- with an address, what may not be registered twice (several servers may share a loopback host).
    port_key         VARCHAR(64)   NOT NULL,
    -- unknown, healthy or unhealthy, from the periodic agent check
    status           VARCHAR(16)   NOT NULL,
    status_message   VARCHAR(1000) NOT NULL,
    last_checked_at  DATETIME(6)   NULL,
    created_at       DATETIME(6)   NOT NULL,
    updated_at       DATETIME(6)   NOT NULL,
    PRIMARY KEY (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE UNIQUE INDEX media_servers_name ON media_servers (name);
CREATE UNIQUE INDEX media_servers_agent_endpoint ON media_servers (agent_endpoint);
CREATE UNIQUE INDEX media_servers_public_address ON media_servers (public_address, port_key);
CREATE UNIQUE INDEX media_servers_internal_address ON media_servers (internal_address, port_key);
CREATE INDEX media_servers_role ON media_servers (role, relay_group);

-- What was last recorded as active on a server, per kind (MediaServer.configs).
CREATE TABLE server_config_states (
    server_id      BIGINT      NOT NULL,
    kind           VARCHAR(16) NOT NULL,
    active_version VARCHAR(64) NOT NULL,
    revision       BIGINT      NOT NULL,
    activated_at   DATETIME(6) NOT NULL,
    PRIMARY KEY (server_id, kind),
    CONSTRAINT server_config_states_server FOREIGN KEY (server_id) REFERENCES media_servers (id) ON DELETE CASCADE
) ENGINE = InnoDB;

-- One revision counter per kind, shared by its three roles; a write locks its kind's row.
CREATE TABLE config_kinds (
    kind          VARCHAR(16) NOT NULL,
    last_revision BIGINT      NOT NULL,
    PRIMARY KEY (kind)
) ENGINE = InnoDB;

INSERT INTO config_kinds (kind, last_revision) VALUES ('nginx', 0), ('janus', 0), ('coturn', 0);

-- Immutable: rows are only ever inserted.
CREATE TABLE config_revisions (
    kind          VARCHAR(16)   NOT NULL,
    revision      BIGINT        NOT NULL,
    role          VARCHAR(16)   NOT NULL,
    -- ConfigDocument as protobuf JSON (proto field names).
    document      MEDIUMTEXT    NOT NULL,
    author        VARCHAR(64)   NOT NULL,
    message       VARCHAR(1000) NOT NULL,
    -- The revision a revert copied; 0 otherwise.
    reverted_from BIGINT        NOT NULL,
    created_at    DATETIME(6)   NOT NULL,
    PRIMARY KEY (kind, revision)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE INDEX config_revisions_role ON config_revisions (kind, role, revision);
