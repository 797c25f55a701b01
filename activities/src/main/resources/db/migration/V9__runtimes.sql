-- Runtimes: the agents that run a managed account's integrations in one of its environments. They
-- connect out to the api, pull what their environment must run (its desired state) and report
-- what they actually run.

-- An environment's revision names one version of its desired state: the instances attached to it,
-- the release each of them runs (its components) and their extension values. Triggers below bump
-- it in the transaction of every change of those, whatever path the change took (release fan-out,
-- manual apply, attach, detach, uninstall, extension values, pack rename or deletion), and notify
-- the environment on the channel 'packwright_environment_changed' (payload: its id) so that the
-- runtimes waiting for a new revision wake when that transaction commits.
ALTER TABLE environments ADD COLUMN revision bigint NOT NULL DEFAULT 1 CHECK (revision > 0);

-- A runtime credential: the token itself is never stored, only its SHA-256 (tokens are 256 random
-- bits, so a fast hash is as safe as a slow one and keeps authentication one index probe).
-- Revoking deletes the row: the token is unknown from that commit on.
CREATE TABLE runtimes (
    id             uuid PRIMARY KEY,
    environment_id uuid        NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    name           text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 255),
    token_sha256   bytea       NOT NULL CHECK (octet_length(token_sha256) = 32),
    created_at     timestamptz NOT NULL,
    last_seen_at   timestamptz,
    CONSTRAINT runtimes_name_unique UNIQUE (environment_id, name),
    CONSTRAINT runtimes_token_unique UNIQUE (token_sha256)
);
CREATE INDEX runtimes_environment_idx ON runtimes (environment_id, id);

-- What the runtimes of an environment report they run for an instance attached to it: one row per
-- attachment, replaced by every report. It goes with its attachment (detach, uninstall, environment
-- or pack deletion) and with the release it names.
CREATE TABLE instance_deployments (
    id                           uuid PRIMARY KEY,
    environment_id               uuid        NOT NULL,
    integration_pack_instance_id uuid        NOT NULL,
    release_id                   uuid        NOT NULL REFERENCES releases (id) ON DELETE CASCADE,
    state                        text        NOT NULL CHECK (state IN ('DEPLOYED', 'FAILED')),
    message                      text CHECK (char_length(message) <= 2000),
    reported_at                  timestamptz NOT NULL,
    CONSTRAINT instance_deployments_one_per_attachment UNIQUE (integration_pack_instance_id, environment_id),
    CONSTRAINT instance_deployments_attachment_fk FOREIGN KEY (environment_id, integration_pack_instance_id)
        REFERENCES environment_attachments (environment_id, integration_pack_instance_id) ON DELETE CASCADE
);
-- a release's deployments, filtered by state, in keyset order
CREATE INDEX instance_deployments_release_idx ON instance_deployments (release_id, state, id);
CREATE INDEX instance_deployments_release_all_idx ON instance_deployments (release_id, id);

-- Release progress gains the deployments reported for the release (instance x environment). These
-- count the live reports, whatever the release's status: runtimes keep reporting after it ended.
ALTER TABLE release_progress
    ADD COLUMN deployed          bigint NOT NULL DEFAULT 0,
    ADD COLUMN deployment_failed bigint NOT NULL DEFAULT 0;

CREATE OR REPLACE VIEW release_counts AS
SELECT r.id AS release_id, c.installed, c.applied_manually, c.applied_automatically, c.failed,
       c.deployed, c.deployment_failed
FROM releases r
CROSS JOIN LATERAL (
    SELECT COALESCE(sum(p.installed), 0)::bigint             AS installed,
           COALESCE(sum(p.applied_manually), 0)::bigint      AS applied_manually,
           COALESCE(sum(p.applied_automatically), 0)::bigint AS applied_automatically,
           COALESCE(sum(p.failed), 0)::bigint                AS failed,
           COALESCE(sum(p.deployed), 0)::bigint              AS deployed,
           COALESCE(sum(p.deployment_failed), 0)::bigint     AS deployment_failed
    FROM release_progress p WHERE p.release_id = r.id) c;

CREATE FUNCTION count_deployments() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    my_slot smallint := pg_backend_pid() % 16;
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO release_progress AS c (release_id, slot, deployed, deployment_failed)
        SELECT n.release_id, my_slot, count(*) FILTER (WHERE n.state = 'DEPLOYED'),
               count(*) FILTER (WHERE n.state = 'FAILED')
        FROM new_rows n GROUP BY 1 ORDER BY 1
        ON CONFLICT (release_id, slot) DO UPDATE
            SET deployed = c.deployed + EXCLUDED.deployed,
                deployment_failed = c.deployment_failed + EXCLUDED.deployment_failed;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        -- reports deleted with their release (a cascade) leave nothing to count
        INSERT INTO release_progress AS c (release_id, slot, deployed, deployment_failed)
        SELECT o.release_id, my_slot, -count(*) FILTER (WHERE o.state = 'DEPLOYED'),
               -count(*) FILTER (WHERE o.state = 'FAILED')
        FROM old_rows o JOIN releases r ON r.id = o.release_id GROUP BY 1 ORDER BY 1
        ON CONFLICT (release_id, slot) DO UPDATE
            SET deployed = c.deployed + EXCLUDED.deployed,
                deployment_failed = c.deployment_failed + EXCLUDED.deployment_failed;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER instance_deployments_counted_insert AFTER INSERT ON instance_deployments
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION count_deployments();
CREATE TRIGGER instance_deployments_counted_update AFTER UPDATE ON instance_deployments
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION count_deployments();
CREATE TRIGGER instance_deployments_counted_delete AFTER DELETE ON instance_deployments
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION count_deployments();

-- Bumps the revision of the given environments and notifies them. The rows are locked in id order,
-- so that two transactions bumping overlapping sets wait for each other instead of deadlocking; the
-- lock is FOR NO KEY UPDATE, which does not conflict with the key-share locks of foreign keys
-- (attaching, reporting), only with other bumps and with deleting the environment.
CREATE FUNCTION bump_environment_revisions(environment_ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF environment_ids IS NULL OR cardinality(environment_ids) = 0 THEN
        RETURN;
    END IF;
    UPDATE environments e SET revision = e.revision + 1
    FROM (SELECT id FROM environments WHERE id = ANY (environment_ids) ORDER BY id FOR NO KEY UPDATE) locked
    WHERE e.id = locked.id;
    PERFORM pg_notify('packwright_environment_changed', changed::text)
    FROM (SELECT DISTINCT unnest(environment_ids) AS changed) environments_changed;
END $$;

-- An instance moved to another release: the environments it is attached to run something else.
CREATE FUNCTION instances_changed_environments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bump_environment_revisions(ARRAY(
        SELECT DISTINCT a.environment_id
        FROM old_rows o
        JOIN new_rows n ON n.id = o.id
        JOIN environment_attachments a ON a.integration_pack_instance_id = n.id
        WHERE n.installed_release_id <> o.installed_release_id));
    RETURN NULL;
END $$;

CREATE TRIGGER integration_pack_instances_environment_revision AFTER UPDATE ON integration_pack_instances
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION instances_changed_environments();

-- Attached or detached (also by uninstalling, deleting the pack's instances, or the environment).
CREATE FUNCTION attachments_changed_environments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM bump_environment_revisions(ARRAY(SELECT DISTINCT environment_id FROM new_rows));
    ELSE
        PERFORM bump_environment_revisions(ARRAY(SELECT DISTINCT environment_id FROM old_rows));
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER environment_attachments_revision_insert AFTER INSERT ON environment_attachments
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION attachments_changed_environments();
CREATE TRIGGER environment_attachments_revision_delete AFTER DELETE ON environment_attachments
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION attachments_changed_environments();

-- Extension values set, changed or removed (also re-encrypted by the secret sweep, which changes
-- no value: its runtimes then fetch the same state once more).
CREATE FUNCTION extension_values_changed_environments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM bump_environment_revisions(ARRAY(
            SELECT DISTINCT a.environment_id FROM old_rows o
            JOIN environment_attachments a ON a.integration_pack_instance_id = o.integration_pack_instance_id));
    ELSE
        PERFORM bump_environment_revisions(ARRAY(
            SELECT DISTINCT a.environment_id FROM new_rows n
            JOIN environment_attachments a ON a.integration_pack_instance_id = n.integration_pack_instance_id));
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER instance_extension_values_revision_insert AFTER INSERT ON instance_extension_values
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION extension_values_changed_environments();
CREATE TRIGGER instance_extension_values_revision_update AFTER UPDATE ON instance_extension_values
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION extension_values_changed_environments();
CREATE TRIGGER instance_extension_values_revision_delete AFTER DELETE ON instance_extension_values
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION extension_values_changed_environments();

-- A pack renamed (its name is part of every deployment) or deleted (its instances leave the desired
-- state at once, before its clean-up removes them).
CREATE FUNCTION packs_changed_environments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bump_environment_revisions(ARRAY(
        SELECT DISTINCT a.environment_id
        FROM old_rows o
        JOIN new_rows n ON n.id = o.id
        JOIN integration_pack_instances i ON i.integration_pack_id = n.id
        JOIN environment_attachments a ON a.integration_pack_instance_id = i.id
        WHERE n.name <> o.name OR (n.deleted_at IS NOT NULL AND o.deleted_at IS NULL)));
    RETURN NULL;
END $$;

CREATE TRIGGER integration_packs_environment_revision AFTER UPDATE ON integration_packs
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION packs_changed_environments();

-- A revoked runtime may be waiting for a new revision right now: its environment is notified (its
-- revision stays), so that the wait ends at once and finds the runtime gone.
CREATE FUNCTION runtimes_revoked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('packwright_environment_changed', revoked::text)
    FROM (SELECT DISTINCT environment_id AS revoked FROM old_rows) revoked_runtimes;
    RETURN NULL;
END $$;

CREATE TRIGGER runtimes_revoked AFTER DELETE ON runtimes
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION runtimes_revoked();
