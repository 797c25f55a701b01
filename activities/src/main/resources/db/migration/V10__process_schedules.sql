-- Process schedules and executions: managed accounts schedule the processes of an installed pack,
-- per environment it is attached to, and the runtimes of that environment run them.

-- A schedule of one process (a PROCESS component of the instance's release) in one environment the
-- instance is attached to. It goes with its attachment (detach, uninstall, environment or pack
-- deletion). `version` grows with every change, so that its workflow can tell a stale plan.
CREATE TABLE process_schedules (
    id                           uuid PRIMARY KEY,
    integration_pack_instance_id uuid        NOT NULL,
    component_id                 uuid        NOT NULL REFERENCES components (id),
    environment_id               uuid        NOT NULL,
    account_id                   uuid        NOT NULL REFERENCES accounts (id),
    enabled                      boolean     NOT NULL,
    time_zone                    text        NOT NULL CHECK (char_length(time_zone) BETWEEN 1 AND 64),
    rules                        jsonb       NOT NULL CHECK (jsonb_typeof(rules) = 'array'),
    max_retries                  smallint    NOT NULL CHECK (max_retries BETWEEN 0 AND 5),
    retry_delay_minutes          integer     NOT NULL CHECK (retry_delay_minutes BETWEEN 1 AND 1440),
    overlap                      text        NOT NULL CHECK (overlap IN ('SKIP', 'BUFFER_ONE', 'ALLOW')),
    disabled_reason              text CHECK (char_length(disabled_reason) <= 1000),
    version                      bigint      NOT NULL DEFAULT 1 CHECK (version > 0),
    created_at                   timestamptz NOT NULL,
    updated_at                   timestamptz NOT NULL,
    CONSTRAINT process_schedules_one_per_lane UNIQUE (integration_pack_instance_id, component_id, environment_id),
    CONSTRAINT process_schedules_attachment_fk FOREIGN KEY (environment_id, integration_pack_instance_id)
        REFERENCES environment_attachments (environment_id, integration_pack_instance_id) ON DELETE CASCADE
);
CREATE INDEX process_schedules_environment_idx ON process_schedules (environment_id);

-- One run of a process. Its history outlives the instance, the environment and the schedule (their
-- ids stay as they were); it goes only with its pack. A scheduled fire is recorded once per
-- schedule, instant and attempt, whoever records it how often.
CREATE TABLE process_executions (
    id                           uuid PRIMARY KEY,
    account_id                   uuid        NOT NULL REFERENCES accounts (id),
    integration_pack_id          uuid        NOT NULL REFERENCES integration_packs (id) ON DELETE CASCADE,
    integration_pack_instance_id uuid        NOT NULL,
    component_id                 uuid        NOT NULL,
    component_name               text        NOT NULL,
    environment_id               uuid        NOT NULL,
    schedule_id                  uuid,
    trigger                      text        NOT NULL CHECK (trigger IN ('SCHEDULE', 'MANUAL', 'RETRY')),
    attempt                      integer     NOT NULL DEFAULT 1 CHECK (attempt BETWEEN 1 AND 6),
    retry_of                     uuid REFERENCES process_executions (id) ON DELETE SET NULL,
    retry_queued                 boolean     NOT NULL DEFAULT false,
    max_retries                  smallint    NOT NULL CHECK (max_retries BETWEEN 0 AND 5),
    retry_delay_minutes          integer     NOT NULL CHECK (retry_delay_minutes BETWEEN 1 AND 1440),
    scheduled_for                timestamptz NOT NULL,
    queued_at                    timestamptz NOT NULL,
    start_deadline               timestamptz NOT NULL,
    claimed_at                   timestamptz,
    runtime_id                   uuid,
    lease_expires_at             timestamptz,
    started_at                   timestamptz,
    finished_at                  timestamptz,
    status                       text        NOT NULL CHECK (status IN (
        'QUEUED', 'CLAIMED', 'SUCCEEDED', 'FAILED', 'MISSED', 'SKIPPED', 'CANCELLED', 'TIMED_OUT')),
    release_number               integer,
    package_version              text,
    message                      text CHECK (char_length(message) <= 2000),
    CONSTRAINT process_executions_one_fire UNIQUE (schedule_id, scheduled_for, attempt),
    CONSTRAINT process_executions_claim_shape CHECK (
        status IN ('QUEUED', 'SKIPPED', 'MISSED', 'CANCELLED')
        OR (claimed_at IS NOT NULL AND runtime_id IS NOT NULL AND release_number IS NOT NULL))
);
-- what a runtime may claim: its environment's queued executions that are due, oldest first
CREATE INDEX process_executions_queue_idx ON process_executions (environment_id, scheduled_for)
    WHERE status = 'QUEUED';
-- an account's executions, newest first
CREATE INDEX process_executions_account_idx ON process_executions (account_id, id DESC);
-- the open executions of one process in one environment (overlap policy, deadlines, retries)
CREATE INDEX process_executions_lane_idx
    ON process_executions (integration_pack_instance_id, component_id, environment_id, id)
    WHERE status IN ('QUEUED', 'CLAIMED');
-- failed or timed-out runs of a lane whose retry is still to be queued
CREATE INDEX process_executions_retry_idx
    ON process_executions (integration_pack_instance_id, component_id, environment_id)
    WHERE status IN ('FAILED', 'TIMED_OUT') AND attempt <= max_retries AND NOT retry_queued;
CREATE INDEX process_executions_pack_idx ON process_executions (integration_pack_id);

-- Detached (also by uninstalling or deleting the environment or the pack's instances): the
-- schedules went with the attachment; what was queued there will never run.
CREATE FUNCTION executions_cancelled_with_attachments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE process_executions x
    SET status = 'CANCELLED', finished_at = now(),
        message = 'cancelled: the environment is no longer attached to the instance'
    FROM old_rows o
    WHERE x.integration_pack_instance_id = o.integration_pack_instance_id
      AND x.environment_id = o.environment_id AND x.status = 'QUEUED';
    RETURN NULL;
END $$;

CREATE TRIGGER environment_attachments_cancel_executions AFTER DELETE ON environment_attachments
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION executions_cancelled_with_attachments();

-- An instance moved to a release that does not contain a scheduled process (any more): its
-- schedules are disabled with the reason, in the same transaction; a later release that brings
-- the process back does not enable them again (the account decides).
CREATE FUNCTION schedules_disabled_by_release() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE process_schedules s
    SET enabled = false, version = s.version + 1, updated_at = now(),
        disabled_reason = 'disabled: release ' || r.release_number || ' of the pack does not contain this process'
    FROM old_rows o
    JOIN new_rows n ON n.id = o.id
    JOIN releases r ON r.id = n.installed_release_id
    WHERE n.installed_release_id <> o.installed_release_id
      AND s.integration_pack_instance_id = n.id AND s.enabled
      AND NOT EXISTS (SELECT 1 FROM release_components rc
                       WHERE rc.release_id = n.installed_release_id AND rc.component_id = s.component_id
                         AND rc.component_type = 'PROCESS');
    RETURN NULL;
END $$;

CREATE TRIGGER integration_pack_instances_disable_schedules AFTER UPDATE ON integration_pack_instances
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION schedules_disabled_by_release();
