-- Release control: reschedule, cancel, staged rollouts, pause, resume, abort, retry.
--
-- Statuses gain PAUSED (an IN_PROGRESS release held by its partner or by its failure gate; still
-- open: it is nobody's pending release any more, and a newer immediate release supersedes it) and
-- ABORTED (stopped by its partner while in progress; terminal). The ledger gains REVERTED (the
-- instance was put back on the release it ran before: `previous_release_id`, recorded when the
-- release was applied to it) and the mode RETRY (applied again after it had failed, `attempts`
-- counts the tries). Ledger rows written before this migration have no previous release: a cancel
-- or an abort leaves them APPLIED, as it cannot know where to put their instance back.
ALTER TABLE releases
    DROP CONSTRAINT releases_status_check,
    ADD CONSTRAINT releases_status_check CHECK (status IN (
        'SCHEDULED', 'IN_PROGRESS', 'PAUSED', 'RELEASED', 'SUPERSEDED', 'CANCELLED', 'ABORTED')),
    -- why it is PAUSED, CANCELLED or ABORTED, when the partner or the failure gate said so
    ADD COLUMN status_reason text CONSTRAINT releases_status_reason_length CHECK (char_length(status_reason) <= 1000),
    -- the pack's current release when this one became current: an abort makes it current again
    ADD COLUMN previous_current_release_id uuid,
    -- a staged rollout: soak between waves, and the failed share of a wave that pauses the release
    ADD COLUMN rollout_soak_minutes integer CONSTRAINT releases_rollout_soak CHECK (rollout_soak_minutes BETWEEN 0 AND 1440),
    ADD COLUMN rollout_max_failed_percent integer
        CONSTRAINT releases_rollout_gate CHECK (rollout_max_failed_percent BETWEEN 0 AND 100),
    ADD CONSTRAINT releases_rollout_shape CHECK ((rollout_soak_minutes IS NULL) = (rollout_max_failed_percent IS NULL));

-- The reconciler's scan (V1): every release that is not terminal.
DROP INDEX releases_open_idx;
CREATE INDEX releases_open_idx ON releases (id) WHERE status IN ('SCHEDULED', 'IN_PROGRESS', 'PAUSED');

-- The waves of a staged rollout, in order; the last one always takes the rest of the install base.
-- `instances` is the wave's own share (without the earlier waves'), counted when the release opens
-- and again when the wave starts. An account group wave keeps its group's id even if the group is
-- deleted later (then it takes nobody but, as the last wave, the rest).
CREATE TABLE release_waves (
    release_id       uuid        NOT NULL REFERENCES releases (id) ON DELETE CASCADE,
    wave             integer     NOT NULL CHECK (wave >= 0),
    percent          integer     CHECK (percent BETWEEN 1 AND 100),
    account_group_id uuid,
    state            text        NOT NULL DEFAULT 'PENDING' CHECK (state IN ('PENDING', 'APPLYING', 'SOAKING', 'DONE')),
    instances        bigint      NOT NULL DEFAULT 0,
    started_at       timestamptz,
    soak_until       timestamptz,
    finished_at      timestamptz,
    PRIMARY KEY (release_id, wave),
    CONSTRAINT release_waves_one_target CHECK ((percent IS NULL) <> (account_group_id IS NULL))
);

-- Per wave, its ledger by outcome, slotted as release_progress (V8).
CREATE TABLE release_wave_progress (
    release_id uuid     NOT NULL,
    wave       integer  NOT NULL,
    slot       smallint NOT NULL,
    applied    bigint   NOT NULL DEFAULT 0,
    failed     bigint   NOT NULL DEFAULT 0,
    PRIMARY KEY (release_id, wave, slot),
    FOREIGN KEY (release_id, wave) REFERENCES release_waves (release_id, wave) ON DELETE CASCADE
);

ALTER TABLE release_instances
    DROP CONSTRAINT release_instances_status_check,
    ADD CONSTRAINT release_instances_status_check CHECK (status IN ('APPLIED', 'FAILED', 'REVERTED')),
    DROP CONSTRAINT release_instances_mode_check,
    ADD CONSTRAINT release_instances_mode_check CHECK (mode IN ('MANUAL', 'AUTOMATIC', 'IMMEDIATE', 'RETRY')),
    ADD COLUMN attempts integer NOT NULL DEFAULT 1 CONSTRAINT release_instances_attempts CHECK (attempts >= 1),
    -- no foreign key: a check per ledger row would slow every fan-out batch, and the release goes
    -- only with its pack, which takes the ledger with it
    ADD COLUMN previous_release_id uuid,
    ADD COLUMN reverted_at timestamptz,
    -- the wave of a staged rollout that recorded the row; NULL for manual applies and unstaged releases
    ADD COLUMN wave integer,
    DROP CONSTRAINT release_instances_outcome_shape,
    ADD CONSTRAINT release_instances_outcome_shape CHECK (
        (status = 'APPLIED' AND mode IS NOT NULL AND applied_at IS NOT NULL AND failure_reason IS NULL
            AND reverted_at IS NULL)
        OR (status = 'FAILED' AND failure_reason IS NOT NULL AND reverted_at IS NULL)
        OR (status = 'REVERTED' AND mode IS NOT NULL AND applied_at IS NOT NULL AND failure_reason IS NULL
            AND reverted_at IS NOT NULL));

-- A cancel's or an abort's compensating step walks the applied rows of its release in instance order.
CREATE INDEX release_instances_applied_idx
    ON release_instances (release_id, integration_pack_instance_id) WHERE status = 'APPLIED';

-- A stable bucket 0..99 of an account for percent waves: the first 32 bits of the md5 of its id,
-- the same on every PostgreSQL version and in every session (hashtext is not promised to be).
CREATE FUNCTION rollout_bucket(account_id uuid) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (('x' || substr(md5(account_id::text), 1, 8))::bit(32)::bigint % 100)::integer
$$;

-- Release progress gains the instances put back by a cancel or an abort (ledger REVERTED).
ALTER TABLE release_progress ADD COLUMN reverted bigint NOT NULL DEFAULT 0;

CREATE OR REPLACE VIEW release_counts AS
SELECT r.id AS release_id, c.installed, c.applied_manually, c.applied_automatically, c.failed,
       c.deployed, c.deployment_failed, c.reverted
FROM releases r
CROSS JOIN LATERAL (
    SELECT COALESCE(sum(p.installed), 0)::bigint             AS installed,
           COALESCE(sum(p.applied_manually), 0)::bigint      AS applied_manually,
           COALESCE(sum(p.applied_automatically), 0)::bigint AS applied_automatically,
           COALESCE(sum(p.failed), 0)::bigint                AS failed,
           COALESCE(sum(p.deployed), 0)::bigint              AS deployed,
           COALESCE(sum(p.deployment_failed), 0)::bigint     AS deployment_failed,
           COALESCE(sum(p.reverted), 0)::bigint              AS reverted
    FROM release_progress p WHERE p.release_id = r.id) c;

-- The ledger by outcome (V8), now also per wave and with REVERTED rows (neither applied nor failed).
CREATE OR REPLACE FUNCTION count_ledger() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    my_slot smallint := pg_backend_pid() % 16;
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO release_progress AS c (release_id, slot, applied_manually, applied_automatically, failed, reverted)
        SELECT n.release_id, my_slot,
               count(*) FILTER (WHERE n.status = 'APPLIED' AND n.mode = 'MANUAL'),
               count(*) FILTER (WHERE n.status = 'APPLIED' AND n.mode <> 'MANUAL'),
               count(*) FILTER (WHERE n.status = 'FAILED'),
               count(*) FILTER (WHERE n.status = 'REVERTED')
        FROM new_rows n GROUP BY 1 ORDER BY 1
        ON CONFLICT (release_id, slot) DO UPDATE
            SET applied_manually = c.applied_manually + EXCLUDED.applied_manually,
                applied_automatically = c.applied_automatically + EXCLUDED.applied_automatically,
                failed = c.failed + EXCLUDED.failed,
                reverted = c.reverted + EXCLUDED.reverted;
        INSERT INTO release_wave_progress AS c (release_id, wave, slot, applied, failed)
        SELECT n.release_id, n.wave, my_slot,
               count(*) FILTER (WHERE n.status = 'APPLIED'), count(*) FILTER (WHERE n.status = 'FAILED')
        FROM new_rows n WHERE n.wave IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (release_id, wave, slot) DO UPDATE
            SET applied = c.applied + EXCLUDED.applied, failed = c.failed + EXCLUDED.failed;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO release_progress AS c (release_id, slot, applied_manually, applied_automatically, failed, reverted)
        SELECT o.release_id, my_slot,
               -count(*) FILTER (WHERE o.status = 'APPLIED' AND o.mode = 'MANUAL'),
               -count(*) FILTER (WHERE o.status = 'APPLIED' AND o.mode <> 'MANUAL'),
               -count(*) FILTER (WHERE o.status = 'FAILED'),
               -count(*) FILTER (WHERE o.status = 'REVERTED')
        FROM old_rows o JOIN releases r ON r.id = o.release_id
        WHERE TG_OP = 'UPDATE' OR r.status IN ('SCHEDULED', 'IN_PROGRESS', 'PAUSED')
        GROUP BY 1 ORDER BY 1
        ON CONFLICT (release_id, slot) DO UPDATE
            SET applied_manually = c.applied_manually + EXCLUDED.applied_manually,
                applied_automatically = c.applied_automatically + EXCLUDED.applied_automatically,
                failed = c.failed + EXCLUDED.failed,
                reverted = c.reverted + EXCLUDED.reverted;
        INSERT INTO release_wave_progress AS c (release_id, wave, slot, applied, failed)
        SELECT o.release_id, o.wave, my_slot,
               -count(*) FILTER (WHERE o.status = 'APPLIED'), -count(*) FILTER (WHERE o.status = 'FAILED')
        FROM old_rows o JOIN releases r ON r.id = o.release_id
        WHERE o.wave IS NOT NULL AND (TG_OP = 'UPDATE' OR r.status IN ('SCHEDULED', 'IN_PROGRESS', 'PAUSED'))
          AND EXISTS (SELECT 1 FROM release_waves w WHERE w.release_id = o.release_id AND w.wave = o.wave)
        GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (release_id, wave, slot) DO UPDATE
            SET applied = c.applied + EXCLUDED.applied, failed = c.failed + EXCLUDED.failed;
    END IF;
    RETURN NULL;
END $$;

-- Release events (V12) with the control transitions: paused (IN_PROGRESS -> PAUSED, with the
-- reason), resumed (PAUSED -> IN_PROGRESS), aborted, cancelled (with the partner's reason, if any)
-- and rescheduled (a SCHEDULED release whose window moved, with the previous window).
CREATE OR REPLACE FUNCTION release_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO webhook_events (id, partner_account_id, type, data, created_at)
        SELECT gen_random_uuid(), n.partner_account_id, e.type, webhook_release_data(n) || e.extra, webhook_now()
        FROM new_rows n
        CROSS JOIN LATERAL (VALUES (1, 'release.created', '{}'::jsonb),
                                   (2, 'release.started', jsonb_build_object('startedAt', webhook_instant(n.started_at))))
            e(position, type, extra)
        WHERE e.position = 1 OR n.status = 'IN_PROGRESS'
        ORDER BY n.release_number, n.id, e.position;
    ELSE
        INSERT INTO webhook_events (id, partner_account_id, type, data, created_at)
        SELECT gen_random_uuid(), n.partner_account_id, e.type, webhook_release_data(n) || e.extra, webhook_now()
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        CROSS JOIN LATERAL (
            SELECT CASE
                       WHEN n.status = 'IN_PROGRESS' AND o.status = 'SCHEDULED' THEN 'release.started'
                       WHEN n.status = 'IN_PROGRESS' AND o.status = 'PAUSED' THEN 'release.resumed'
                       WHEN n.status = 'PAUSED' AND o.status = 'IN_PROGRESS' THEN 'release.paused'
                       WHEN n.status = 'RELEASED' AND o.status <> 'RELEASED' THEN 'release.completed'
                       WHEN n.status = 'SUPERSEDED' AND o.status <> 'SUPERSEDED' THEN 'release.superseded'
                       WHEN n.status = 'CANCELLED' AND o.status <> 'CANCELLED' THEN 'release.cancelled'
                       WHEN n.status = 'ABORTED' AND o.status <> 'ABORTED' THEN 'release.aborted'
                       WHEN n.status = 'SCHEDULED' AND o.status = 'SCHEDULED'
                            AND n.window_start IS DISTINCT FROM o.window_start THEN 'release.rescheduled'
                   END AS type,
                   CASE
                       WHEN n.status = 'IN_PROGRESS' THEN jsonb_build_object('startedAt', webhook_instant(n.started_at))
                       WHEN n.status = 'PAUSED' THEN jsonb_build_object('reason', n.status_reason)
                       WHEN n.status = 'RELEASED' THEN jsonb_build_object(
                           'completedAt', webhook_instant(n.completed_at),
                           'counts', (SELECT jsonb_build_object(
                                          'installed', c.installed, 'appliedManually', c.applied_manually,
                                          'appliedAutomatically', c.applied_automatically, 'failed', c.failed)
                                      FROM release_counts c WHERE c.release_id = n.id))
                       WHEN n.status = 'SUPERSEDED' THEN jsonb_build_object(
                           'supersededById', n.superseded_by_id, 'completedAt', webhook_instant(n.completed_at))
                       WHEN n.status IN ('CANCELLED', 'ABORTED') THEN jsonb_build_object(
                           'completedAt', webhook_instant(n.completed_at), 'reason', n.status_reason)
                       ELSE jsonb_build_object(
                           'previousReleaseOnDate', o.release_on_date,
                           'previousWindowStart', webhook_instant(o.window_start),
                           'previousWindowEnd', webhook_instant(o.window_end))
                   END AS extra) e
        WHERE e.type IS NOT NULL
        ORDER BY n.release_number, n.id;
    END IF;
    IF FOUND THEN
        PERFORM pg_notify('packwright_webhook_events', 'outbox');
    END IF;
    RETURN NULL;
END $$;

-- Ledger events (V12) with every entry's status: APPLIED (with the mode, RETRY for a retry) and
-- REVERTED (put back on the release it ran before) are instances.updated, FAILED is
-- instances.update_failed with the reason.
CREATE OR REPLACE FUNCTION ledger_entry(n release_instances) RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT jsonb_build_object('integrationPackInstanceId', n.integration_pack_instance_id, 'accountId', n.account_id,
                              'status', n.status)
           || CASE WHEN n.status = 'FAILED' THEN jsonb_build_object('reason', n.failure_reason, 'attempts', n.attempts)
                   ELSE jsonb_build_object('mode', n.mode) END
$$;

-- The ledger rows `changed` as events: per release and type, chunks of at most 1,000 instances in
-- instance id order.
CREATE FUNCTION ledger_event_batches(changed release_instances[])
    RETURNS TABLE (release_id uuid, type text, chunk bigint, instances jsonb)
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT numbered.release_id, numbered.type, numbered.chunk,
           jsonb_agg(ledger_entry(numbered.version) ORDER BY numbered.instance_id)
    FROM (SELECT c AS version, c.release_id, c.integration_pack_instance_id AS instance_id, t.type,
                 (row_number() OVER (PARTITION BY c.release_id, t.type ORDER BY c.integration_pack_instance_id) - 1)
                     / 1000 AS chunk
          FROM unnest(changed) c
          CROSS JOIN LATERAL (SELECT CASE WHEN c.status = 'FAILED' THEN 'instances.update_failed'
                                          ELSE 'instances.updated' END AS type) t) numbered
    GROUP BY numbered.release_id, numbered.type, numbered.chunk
$$;

-- The two branches differ only in what changed: an insert's rows, or an update's rows whose outcome
-- changed (paired by grouping, see V12); the chunks of one release and kind are numbered in both.
CREATE OR REPLACE FUNCTION ledger_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO webhook_events (id, partner_account_id, type, data, created_at)
        SELECT gen_random_uuid(), r.partner_account_id, b.type,
               jsonb_build_object('releaseId', r.id, 'integrationPackId', r.integration_pack_id,
                                  'releaseNumber', r.release_number, 'instances', b.instances),
               webhook_now()
        FROM ledger_event_batches(ARRAY(SELECT n::release_instances FROM new_rows n)) b JOIN releases r ON r.id = b.release_id
        ORDER BY b.release_id, b.type DESC, b.chunk;
    ELSE
        INSERT INTO webhook_events (id, partner_account_id, type, data, created_at)
        SELECT gen_random_uuid(), r.partner_account_id, b.type,
               jsonb_build_object('releaseId', r.id, 'integrationPackId', r.integration_pack_id,
                                  'releaseNumber', r.release_number, 'instances', b.instances),
               webhook_now()
        FROM ledger_event_batches(ARRAY(
                 -- a new version alone in its group has an outcome that its old version did not have
                 SELECT (array_agg(v.version) FILTER (WHERE v.is_new))[1]
                 FROM (SELECT n::release_instances AS version, n.release_id, n.integration_pack_instance_id AS instance_id, n.status,
                              n.mode, n.failure_reason, true AS is_new FROM new_rows n
                       UNION ALL
                       SELECT o::release_instances, o.release_id, o.integration_pack_instance_id, o.status, o.mode,
                              o.failure_reason, false FROM old_rows o) v
                 GROUP BY v.release_id, v.instance_id, v.status, v.mode, v.failure_reason
                 HAVING bool_and(v.is_new))) b
        JOIN releases r ON r.id = b.release_id
        ORDER BY b.release_id, b.type DESC, b.chunk;
    END IF;
    IF FOUND THEN
        PERFORM pg_notify('packwright_webhook_events', 'outbox');
    END IF;
    RETURN NULL;
END $$;

