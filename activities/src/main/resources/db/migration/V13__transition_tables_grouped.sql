-- Old and new versions of integration_pack_instances paired by grouping, never by a join. V8's
-- count_instances, V9's instances_changed_environments and V10's schedules_disabled_by_release
-- joined old_rows and new_rows on id. A session plans a trigger's statement once, with the sizes of
-- the transition tables it first saw, and keeps that plan (see V12's ledger_events): after a one-row
-- update of instances on a pooled connection (a manual apply, a PUT of extensions) the join was a
-- nested loop over both tables, and a later fan-out batch on that connection cost the product of
-- their sizes (InstanceMoveTriggersBenchmark: 10,000 instances in 100 s instead of 0.4 s, far beyond
-- the worker's statement timeout, so that the release activity failed on every retry). Grouping the
-- union of both costs their sum, whatever plan is cached. The functions do what they did; the
-- triggers stay as they are.
--
-- What the moved instances lead to (attachments, schedules) is probed by their ids, = ANY of an
-- array, never joined to a transition table: the planner guesses an array's length without looking
-- at it, so the probes stay index lookups whether the plan was made for one row or for thousands.
--
-- The other pairings stay: V9's packs_changed_environments and V12's pack_events join the old and
-- new rows of integration_packs, V12's release_events those of releases, and every statement changes
-- one pack, or the few open releases of one pack. count_ledger and count_deployments (V8, V9) pair
-- nothing (they subtract every old row and add every new one); ledger_events and execution_events
-- (V12) group already.

-- Instances: installed per release and per pack (V8). An update adds +1 for every new version and
-- -1 for every old one: an instance that stays on its release adds nothing.
CREATE OR REPLACE FUNCTION count_instances() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    my_slot smallint := pg_backend_pid() % 16;
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO pack_instance_counts AS c (integration_pack_id, slot, instances)
        SELECT n.integration_pack_id, my_slot, count(*) FROM new_rows n GROUP BY 1 ORDER BY 1
        ON CONFLICT (integration_pack_id, slot) DO UPDATE SET instances = c.instances + EXCLUDED.instances;
        INSERT INTO release_progress AS c (release_id, slot, installed)
        SELECT n.installed_release_id, my_slot, count(*) FROM new_rows n GROUP BY 1 ORDER BY 1
        ON CONFLICT (release_id, slot) DO UPDATE SET installed = c.installed + EXCLUDED.installed;
    ELSIF TG_OP = 'DELETE' THEN
        -- instances deleted with their pack (a cascade) leave nothing to count
        INSERT INTO pack_instance_counts AS c (integration_pack_id, slot, instances)
        SELECT o.integration_pack_id, my_slot, -count(*)
        FROM old_rows o JOIN integration_packs p ON p.id = o.integration_pack_id GROUP BY 1 ORDER BY 1
        ON CONFLICT (integration_pack_id, slot) DO UPDATE SET instances = c.instances + EXCLUDED.instances;
        INSERT INTO release_progress AS c (release_id, slot, installed)
        SELECT o.installed_release_id, my_slot, -count(*)
        FROM old_rows o JOIN releases r ON r.id = o.installed_release_id GROUP BY 1 ORDER BY 1
        ON CONFLICT (release_id, slot) DO UPDATE SET installed = c.installed + EXCLUDED.installed;
    ELSE
        -- an instance moves between releases; it never changes its pack
        INSERT INTO release_progress AS c (release_id, slot, installed)
        SELECT v.release_id, my_slot, sum(v.delta)
        FROM (SELECT n.installed_release_id AS release_id, 1 AS delta FROM new_rows n
              UNION ALL
              SELECT o.installed_release_id, -1 FROM old_rows o) v
        GROUP BY 1 HAVING sum(v.delta) <> 0 ORDER BY 1
        ON CONFLICT (release_id, slot) DO UPDATE SET installed = c.installed + EXCLUDED.installed;
    END IF;
    RETURN NULL;
END $$;

-- An instance moved to another release: the environments it is attached to run something else (V9).
CREATE OR REPLACE FUNCTION instances_changed_environments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bump_environment_revisions(ARRAY(
        SELECT DISTINCT a.environment_id
        FROM environment_attachments a
        WHERE a.integration_pack_instance_id = ANY (ARRAY(
            -- a new version alone in its group runs a release that its old version did not
            SELECT v.id
            FROM (SELECT n.id, n.installed_release_id, true AS is_new FROM new_rows n
                  UNION ALL
                  SELECT o.id, o.installed_release_id, false FROM old_rows o) v
            GROUP BY v.id, v.installed_release_id HAVING bool_and(v.is_new)))));
    RETURN NULL;
END $$;

-- An instance moved to a release that does not contain a scheduled process (any more): its
-- schedules are disabled with the reason (V10). The release an instance moved to is read from the
-- instance's row, which an AFTER trigger sees as new_rows has it.
CREATE OR REPLACE FUNCTION schedules_disabled_by_release() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE process_schedules s
    SET enabled = false, version = s.version + 1, updated_at = now(),
        disabled_reason = 'disabled: release '
            || (SELECT r.release_number FROM releases r WHERE r.id = i.installed_release_id)
            || ' of the pack does not contain this process'
    FROM integration_pack_instances i
    WHERE s.integration_pack_instance_id = ANY (ARRAY(
              -- a new version alone in its group runs a release that its old version did not
              SELECT v.id
              FROM (SELECT n.id, n.installed_release_id, true AS is_new FROM new_rows n
                    UNION ALL
                    SELECT o.id, o.installed_release_id, false FROM old_rows o) v
              GROUP BY v.id, v.installed_release_id HAVING bool_and(v.is_new)))
      AND i.id = s.integration_pack_instance_id AND s.enabled
      AND NOT EXISTS (SELECT 1 FROM release_components rc
                       WHERE rc.release_id = i.installed_release_id AND rc.component_id = s.component_id
                         AND rc.component_type = 'PROCESS');
    RETURN NULL;
END $$;
