-- Several config-svc replicas on one schema: a running apply names the replica that runs it and
-- holds a lease that replica renews while it runs. Another replica ends an apply only once its
-- lease has expired (its replica died), never one that is still being run.
ALTER TABLE config_applies
    -- The instance id of the replica running (or that ran) the apply; '' for applies recorded
    -- before replicas had ids.
    ADD COLUMN owner            VARCHAR(128)  NOT NULL DEFAULT '',
    -- While running: until when the owner is known to be alive. NULL (applies recorded before
    -- leases) counts as expired.
    ADD COLUMN lease_expires_at DATETIME(6)   NULL,
    -- ControlApply sent to another replica than the owner, waiting for the owner to act on it at
    -- its next lease renewal: a promote, and/or a cancel with its reason.
    ADD COLUMN promote_requested BOOLEAN      NOT NULL DEFAULT FALSE,
    ADD COLUMN cancel_requested  VARCHAR(1000) NULL;
