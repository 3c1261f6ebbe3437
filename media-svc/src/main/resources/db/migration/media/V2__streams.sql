-- Live streams and where they live on the ORIGIN -> RELAY -> EDGE servers, with every Janus object
-- and port media-svc made for them, so that a restart loses nothing and a Janus that lost them
-- (it restarted) gets them back from here.
CREATE TABLE streams (
    -- Also the id of the stream's VideoRoom (origin, relays) and Streaming mountpoint (edges) on Janus.
    id BIGINT NOT NULL PRIMARY KEY,
    name VARCHAR(256) NOT NULL,
    audio BOOLEAN NOT NULL,
    video BOOLEAN NOT NULL,
    simulcast BOOLEAN NOT NULL,
    -- Started: the edges' mountpoints are enabled.
    enabled BOOLEAN NOT NULL,
    -- 'off', 'on', or 'changing' while one request sets forwarding up or tears it down.
    forwarding VARCHAR(16) NOT NULL,
    -- When forwarding became 'changing': a change older than the lease was cut off by a crash.
    changing_since DATETIME(6) NULL,
    -- The secret of the stream's rooms and mountpoints on Janus.
    secret VARCHAR(64) NOT NULL,
    owner_id BIGINT NOT NULL,
    owner_name VARCHAR(64) NOT NULL,
    created_at DATETIME(6) NOT NULL
);

CREATE INDEX streams_owner ON streams (owner_id, id);

-- The stream on one server: a VideoRoom with a remote publisher on the origin and on each relay,
-- a Streaming mountpoint on each edge.
CREATE TABLE stream_tiers (
    stream_id BIGINT NOT NULL,
    server_id BIGINT NOT NULL,
    -- 'origin', 'relay' or 'edge'.
    role VARCHAR(8) NOT NULL,
    server_name VARCHAR(64) NOT NULL,
    server_url VARCHAR(512) NOT NULL,
    relay_group VARCHAR(64) NOT NULL,
    -- Where the tier receives its RTP (the server's internal address).
    host VARCHAR(255) NOT NULL,
    -- The server it receives from; 0 for the origin.
    upstream_server_id BIGINT NOT NULL,
    created_at DATETIME(6) NOT NULL,
    PRIMARY KEY (stream_id, server_id),
    CONSTRAINT stream_tiers_stream FOREIGN KEY (stream_id) REFERENCES streams (id) ON DELETE CASCADE
);

CREATE INDEX stream_tiers_server ON stream_tiers (server_id);

-- The UDP ports a tier holds, from its server's streaming range; never two streams on one port.
CREATE TABLE stream_ports (
    server_id BIGINT NOT NULL,
    port INT NOT NULL,
    stream_id BIGINT NOT NULL,
    -- 'rtp' and 'rtcp' of a remote publisher; 'audio', 'video', 'video2', 'video3' of a mountpoint.
    purpose VARCHAR(8) NOT NULL,
    PRIMARY KEY (server_id, port),
    CONSTRAINT stream_ports_tier FOREIGN KEY (stream_id, server_id)
        REFERENCES stream_tiers (stream_id, server_id) ON DELETE CASCADE
);

CREATE INDEX stream_ports_tier ON stream_ports (stream_id, server_id);

-- Where each server's allocation continues: ports are handed out round the range, so a port just
-- freed is the last to be reused (Janus keeps a removed remote publisher's ports bound).
CREATE TABLE stream_port_cursors (
    server_id BIGINT NOT NULL PRIMARY KEY,
    next_port INT NOT NULL
);

-- One rtp_forward of a tier (origin or relay) to a server of the next tier.
CREATE TABLE stream_forwarders (
    stream_id BIGINT NOT NULL,
    server_id BIGINT NOT NULL,
    -- Janus's id of the forward (rtp_forward stream_id); unique within the source room.
    forwarder_id BIGINT NOT NULL,
    -- 'audio' or 'video'.
    media VARCHAR(8) NOT NULL,
    mid VARCHAR(16) NOT NULL,
    -- Simulcast layer forwarded (0..2).
    substream INT NOT NULL,
    target_server_id BIGINT NOT NULL,
    host VARCHAR(255) NOT NULL,
    port INT NOT NULL,
    PRIMARY KEY (stream_id, server_id, forwarder_id),
    CONSTRAINT stream_forwarders_tier FOREIGN KEY (stream_id, server_id)
        REFERENCES stream_tiers (stream_id, server_id) ON DELETE CASCADE
);
