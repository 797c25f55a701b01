-- Webhook events: every change that the webhook contract lists writes its event to the outbox
-- (webhook_events, V11) in the transaction of the change, whatever path the change took (the api,
-- the release workflow's activities, the schedules' sweeps, the clean-up of a deleted pack), as V9
-- bumps environment revisions. A change that rolls back takes its events with it. Every statement
-- that writes events notifies the channel 'packwright_webhook_events' (payload 'outbox') once, so
-- that the dispatcher wakes when that transaction commits.
--
-- Statement-level triggers with transition tables, like the counters of V8: a fan-out batch of
-- 1,000 instances costs one grouped insert of one event, not 1,000 inserts. Bulk changes are
-- batched: the ledger and deployment reports are cut into events of at most 1,000 instances per
-- statement (row_number() in id order), and a pack's clean-up, which uninstalls its instances in
-- bulk, emits nothing per instance (integration_pack.deleted covers them).
--
-- `data` uses the public API's ids and camelCase names; instants are written as the API writes
-- them (webhook_instant). `created_at` is webhook_now(), the time of the change's transaction: every event
-- of one transaction has the same instant, and `seq` orders them. `partner_account_id` is always the
-- pack's partner; `managed_account_id` is set for events about one managed account's things (its
-- instance, its environment's report, its execution). A ledger batch spans accounts: it has no
-- managed account, and each of its instances names its `accountId`.

-- An instant as the API writes it (java.time.Instant, ISO-8601 in UTC): seconds, then a fraction
-- only when there is one, in groups of three digits. The JSON of a timestamptz would carry the
-- session's offset instead.
CREATE FUNCTION webhook_instant(at timestamptz) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT to_char(utc, 'YYYY-MM-DD"T"HH24:MI:SS')
           || CASE WHEN micros % 1000000 = 0 THEN ''
                   WHEN micros % 1000 = 0 THEN to_char(utc, '.MS')
                   ELSE to_char(utc, '.US') END
           || 'Z'
    FROM (SELECT at AT TIME ZONE 'UTC' AS utc,
                 extract(microseconds FROM at AT TIME ZONE 'UTC')::bigint AS micros) parts
$$;

-- When an event happened: the start of the change's transaction (every event of one transaction has
-- the same instant), to the millisecond as every instant the API writes.
CREATE FUNCTION webhook_now() RETURNS timestamptz LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT date_trunc('milliseconds', now())
$$;

-- What every release event says about its release.
CREATE FUNCTION webhook_release_data(r releases) RETURNS jsonb LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT jsonb_build_object(
        'releaseId', r.id, 'integrationPackId', r.integration_pack_id, 'releaseNumber', r.release_number,
        'releaseSchedule', r.release_schedule, 'releaseOnDate', r.release_on_date,
        'windowStart', webhook_instant(r.window_start), 'windowEnd', webhook_instant(r.window_end),
        'status', r.status)
$$;

-- Releases: created (an immediate one is created IN_PROGRESS: it has started too), started (its
-- window opened: SCHEDULED -> IN_PROGRESS; opening an immediate release again changes no status),
-- completed, superseded, cancelled (also when its pack is deleted). Only a change of status counts,
-- and `started` only from SCHEDULED, so that a release resumed one day is not started twice.
-- `counts` of a completed release are its counters (V8) at that commit: the ledger figures are
-- final (every batch committed before the workflow completes it, and a terminal release's ledger
-- figures never change again); `installed`, the instances that run it, changes later with installs,
-- uninstalls and newer releases. Old and new rows are joined (see ledger_events for why a bulk
-- change may not): every statement that changes releases changes those of one pack.
CREATE FUNCTION release_events() RETURNS trigger LANGUAGE plpgsql AS $$
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
        SELECT gen_random_uuid(), n.partner_account_id,
               CASE n.status WHEN 'IN_PROGRESS' THEN 'release.started' WHEN 'RELEASED' THEN 'release.completed'
                             WHEN 'SUPERSEDED' THEN 'release.superseded' ELSE 'release.cancelled' END,
               webhook_release_data(n) || CASE n.status
                   WHEN 'IN_PROGRESS' THEN jsonb_build_object('startedAt', webhook_instant(n.started_at))
                   WHEN 'RELEASED' THEN jsonb_build_object(
                       'completedAt', webhook_instant(n.completed_at),
                       'counts', (SELECT jsonb_build_object(
                                      'installed', c.installed, 'appliedManually', c.applied_manually,
                                      'appliedAutomatically', c.applied_automatically, 'failed', c.failed)
                                  FROM release_counts c WHERE c.release_id = n.id))
                   WHEN 'SUPERSEDED' THEN jsonb_build_object(
                       'supersededById', n.superseded_by_id, 'completedAt', webhook_instant(n.completed_at))
                   ELSE jsonb_build_object('completedAt', webhook_instant(n.completed_at)) END,
               webhook_now()
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE n.status IS DISTINCT FROM o.status
          AND ((n.status = 'IN_PROGRESS' AND o.status = 'SCHEDULED')
               OR n.status IN ('RELEASED', 'SUPERSEDED', 'CANCELLED'))
        ORDER BY n.release_number, n.id;
    END IF;
    IF FOUND THEN
        PERFORM pg_notify('packwright_webhook_events', 'outbox');
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER releases_webhook_events_insert AFTER INSERT ON releases
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION release_events();
CREATE TRIGGER releases_webhook_events_update AFTER UPDATE ON releases
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION release_events();

-- The ledger: instances.updated (APPLIED, with the mode) and instances.update_failed (FAILED, with
-- the reason), one event per release, outcome and chunk of at most 1,000 instances of a statement,
-- in instance id order. Rows are inserted by the applying statement (ON CONFLICT DO NOTHING: only
-- what was really recorded is in new_rows); an upsert that changes an outcome (a retry of a failed
-- instance) shows its changed rows in the UPDATE transition tables instead, so updates emit too,
-- for the rows whose outcome changed. Rows removed with their instance or release emit nothing.
--
-- An update's rows are paired with their old versions by grouping both, never by a join: a
-- session plans a trigger's statement once, with the sizes of the transition tables it first saw,
-- and keeps that plan. A join planned for one row (a manual apply) runs as a nested loop over
-- both tables, which for a batch of thousands of rows costs their product; grouping costs their sum.
CREATE FUNCTION ledger_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        WITH changed AS (
            SELECT n.release_id, n.status, n.integration_pack_instance_id AS instance_id,
                   jsonb_build_object('integrationPackInstanceId', n.integration_pack_instance_id, 'accountId', n.account_id)
                   || CASE WHEN n.status = 'APPLIED' THEN jsonb_build_object('mode', n.mode)
                           ELSE jsonb_build_object('reason', n.failure_reason) END AS entry
            FROM new_rows n),
        numbered AS (
            SELECT c.*, (row_number() OVER (PARTITION BY c.release_id, c.status ORDER BY c.instance_id) - 1) / 1000
                        AS chunk
            FROM changed c),
        batches AS (
            SELECT release_id, status, chunk, jsonb_agg(entry ORDER BY instance_id) AS instances
            FROM numbered GROUP BY release_id, status, chunk)
        INSERT INTO webhook_events (id, partner_account_id, type, data, created_at)
        SELECT gen_random_uuid(), r.partner_account_id,
               CASE b.status WHEN 'APPLIED' THEN 'instances.updated' ELSE 'instances.update_failed' END,
               jsonb_build_object('releaseId', r.id, 'integrationPackId', r.integration_pack_id,
                                  'releaseNumber', r.release_number, 'instances', b.instances),
               webhook_now()
        FROM batches b JOIN releases r ON r.id = b.release_id
        ORDER BY b.release_id, b.status, b.chunk;
    ELSE
        WITH versions AS (
            SELECT n.release_id, n.integration_pack_instance_id AS instance_id, n.status, n.mode, n.failure_reason,
                   true AS is_new,
                   jsonb_build_object('integrationPackInstanceId', n.integration_pack_instance_id, 'accountId', n.account_id)
                   || CASE WHEN n.status = 'APPLIED' THEN jsonb_build_object('mode', n.mode)
                           ELSE jsonb_build_object('reason', n.failure_reason) END AS entry
            FROM new_rows n
            UNION ALL
            SELECT o.release_id, o.integration_pack_instance_id, o.status, o.mode, o.failure_reason, false, NULL
            FROM old_rows o),
        -- a new version alone in its group has an outcome that its old version did not have
        changed AS (
            SELECT release_id, status, instance_id, (array_agg(entry))[1] AS entry
            FROM versions GROUP BY release_id, instance_id, status, mode, failure_reason
            HAVING bool_and(is_new)),
        numbered AS (
            SELECT c.*, (row_number() OVER (PARTITION BY c.release_id, c.status ORDER BY c.instance_id) - 1) / 1000
                        AS chunk
            FROM changed c),
        batches AS (
            SELECT release_id, status, chunk, jsonb_agg(entry ORDER BY instance_id) AS instances
            FROM numbered GROUP BY release_id, status, chunk)
        INSERT INTO webhook_events (id, partner_account_id, type, data, created_at)
        SELECT gen_random_uuid(), r.partner_account_id,
               CASE b.status WHEN 'APPLIED' THEN 'instances.updated' ELSE 'instances.update_failed' END,
               jsonb_build_object('releaseId', r.id, 'integrationPackId', r.integration_pack_id,
                                  'releaseNumber', r.release_number, 'instances', b.instances),
               webhook_now()
        FROM batches b JOIN releases r ON r.id = b.release_id
        ORDER BY b.release_id, b.status, b.chunk;
    END IF;
    IF FOUND THEN
        PERFORM pg_notify('packwright_webhook_events', 'outbox');
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER release_instances_webhook_events_insert AFTER INSERT ON release_instances
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ledger_events();
CREATE TRIGGER release_instances_webhook_events_update AFTER UPDATE ON release_instances
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ledger_events();

-- Instances: instance.installed, and instance.uninstalled unless the pack is deleted: its clean-up
-- removes instances in bulk (integration_pack.deleted covers them), and instances that go with the
-- pack row (a cascade) find no pack. The api installs and uninstalls one instance per statement;
-- the seeding of tests and benchmarks, which inserts many at once, switches this trigger off
-- in its own transaction: seeded instances are not installs.
CREATE FUNCTION instance_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO webhook_events (id, partner_account_id, managed_account_id, type, data, created_at)
        SELECT gen_random_uuid(), p.partner_account_id, n.account_id, 'instance.installed',
               jsonb_build_object('integrationPackInstanceId', n.id, 'accountId', n.account_id, 'integrationPackId', n.integration_pack_id,
                                  'overrideName', n.override_name, 'releaseId', n.installed_release_id,
                                  'releaseNumber', r.release_number),
               webhook_now()
        FROM new_rows n
        JOIN integration_packs p ON p.id = n.integration_pack_id
        JOIN releases r ON r.id = n.installed_release_id
        ORDER BY n.id;
    ELSE
        INSERT INTO webhook_events (id, partner_account_id, managed_account_id, type, data, created_at)
        SELECT gen_random_uuid(), p.partner_account_id, o.account_id, 'instance.uninstalled',
               jsonb_build_object('integrationPackInstanceId', o.id, 'accountId', o.account_id, 'integrationPackId', o.integration_pack_id,
                                  'overrideName', o.override_name),
               webhook_now()
        FROM old_rows o
        JOIN integration_packs p ON p.id = o.integration_pack_id AND p.deleted_at IS NULL
        ORDER BY o.id;
    END IF;
    IF FOUND THEN
        PERFORM pg_notify('packwright_webhook_events', 'outbox');
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER integration_pack_instances_webhook_events_insert AFTER INSERT ON integration_pack_instances
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION instance_events();
CREATE TRIGGER integration_pack_instances_webhook_events_delete AFTER DELETE ON integration_pack_instances
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION instance_events();

-- Deployment reports: a runtime's report is an upsert (a first report inserts, a later one updates),
-- and the new rows of either kind are what was reported. One event per statement, environment and
-- chunk of at most 1,000 instances. Reports removed with their attachment or release emit nothing.
CREATE FUNCTION deployment_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO webhook_events (id, partner_account_id, managed_account_id, type, data, created_at)
    SELECT gen_random_uuid(), b.partner_account_id, b.account_id, 'deployment.reported',
           jsonb_build_object('environmentId', b.environment_id, 'accountId', b.account_id, 'instances', b.instances),
           webhook_now()
    FROM (SELECT c.environment_id, c.account_id, c.partner_account_id, c.chunk,
                 jsonb_agg(c.entry ORDER BY c.instance_id) AS instances
          FROM (SELECT n.environment_id, e.account_id, p.partner_account_id, n.integration_pack_instance_id AS instance_id,
                       (row_number() OVER (PARTITION BY n.environment_id, p.partner_account_id
                                           ORDER BY n.integration_pack_instance_id) - 1) / 1000 AS chunk,
                       jsonb_build_object('integrationPackInstanceId', n.integration_pack_instance_id, 'releaseId', n.release_id,
                                          'state', n.state, 'message', n.message) AS entry
                FROM new_rows n
                JOIN environments e ON e.id = n.environment_id
                JOIN integration_pack_instances i ON i.id = n.integration_pack_instance_id
                JOIN integration_packs p ON p.id = i.integration_pack_id) c
          GROUP BY c.environment_id, c.account_id, c.partner_account_id, c.chunk) b
    ORDER BY b.environment_id, b.chunk;
    IF FOUND THEN
        PERFORM pg_notify('packwright_webhook_events', 'outbox');
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER instance_deployments_webhook_events_insert AFTER INSERT ON instance_deployments
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deployment_events();
CREATE TRIGGER instance_deployments_webhook_events_update AFTER UPDATE ON instance_deployments
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deployment_events();

-- Executions that failed: a runtime's FAILED result, or the lane's sweep marking runs MISSED (no
-- runtime claimed them before their start deadline) or TIMED_OUT (their runtime stopped
-- heartbeating). One event per execution: each is a run of its own, not a bulk change. Executions
-- are inserted QUEUED or SKIPPED and reach these statuses only by an update; updates that keep the
-- status (claims, heartbeats, retries queued, a cascade clearing retry_of) emit nothing. Old and new
-- versions are paired by grouping, as in ledger_events: detaching cancels every queued execution of
-- the attachments in one statement, and a pack's clean-up detaches a thousand instances at a time.
CREATE FUNCTION execution_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH versions AS (
        SELECT n.id, n.status, true AS is_new, n.integration_pack_id, n.account_id,
               jsonb_build_object('executionId', n.id, 'accountId', n.account_id,
                                  'integrationPackInstanceId', n.integration_pack_instance_id, 'componentId', n.component_id,
                                  'componentName', n.component_name, 'environmentId', n.environment_id,
                                  'status', n.status, 'attempt', n.attempt, 'maxRetries', n.max_retries,
                                  'message', n.message, 'scheduledFor', webhook_instant(n.scheduled_for),
                                  'finishedAt', webhook_instant(n.finished_at)) AS data
        FROM new_rows n WHERE n.status IN ('FAILED', 'TIMED_OUT', 'MISSED')
        UNION ALL
        SELECT o.id, o.status, false, NULL, NULL, NULL
        FROM old_rows o WHERE o.status IN ('FAILED', 'TIMED_OUT', 'MISSED')),
    -- a new version alone in its group has a status that its old version did not have
    failed AS (
        SELECT id, (array_agg(integration_pack_id))[1] AS integration_pack_id,
               (array_agg(account_id))[1] AS account_id, (array_agg(data))[1] AS data
        FROM versions GROUP BY id, status HAVING bool_and(is_new))
    INSERT INTO webhook_events (id, partner_account_id, managed_account_id, type, data, created_at)
    SELECT gen_random_uuid(), p.partner_account_id, f.account_id, 'execution.failed', f.data, webhook_now()
    FROM failed f JOIN integration_packs p ON p.id = f.integration_pack_id
    ORDER BY f.id;
    IF FOUND THEN
        PERFORM pg_notify('packwright_webhook_events', 'outbox');
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER process_executions_webhook_events AFTER UPDATE ON process_executions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION execution_events();

-- A pack deleted (deleted_at set, in the DELETE request's transaction): one event, which stands for
-- everything its clean-up removes afterwards. Its open releases are cancelled in that transaction
-- too, each with its own release.cancelled. Packs change one per statement: old and new are joined.
CREATE FUNCTION pack_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO webhook_events (id, partner_account_id, type, data, created_at)
    SELECT gen_random_uuid(), n.partner_account_id, 'integration_pack.deleted',
           jsonb_build_object('integrationPackId', n.id, 'name', n.name, 'deletedAt', webhook_instant(n.deleted_at)),
           webhook_now()
    FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE o.deleted_at IS NULL AND n.deleted_at IS NOT NULL
    ORDER BY n.id;
    IF FOUND THEN
        PERFORM pg_notify('packwright_webhook_events', 'outbox');
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER integration_packs_webhook_events AFTER UPDATE ON integration_packs
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION pack_events();
