-- Release progress without counting. Reading a release used to count the pack's install base and
-- the release's ledger on every request (about a second for a 1,000,000-instance pack). Counters
-- now hold those figures, kept by the statements that change what they count, so they are exact
-- at every commit whatever path the change took (release fan-out, manual apply, install,
-- uninstall, pack deletion) and a read costs a few index lookups.
--
-- Contention: every applying transaction of a release's parallel lanes changes the same counters.
-- A counter is therefore split into slots, one row per (owner, slot); a transaction adds to the
-- slot of its database backend (pg_backend_pid() % 16), so concurrent connections mostly write
-- different rows, and a read sums at most 16 rows. A slot may go negative (an instance counted
-- into one slot can leave through another); only the sum is meaningful.

-- How many instances a pack has.
CREATE TABLE pack_instance_counts (
    integration_pack_id uuid     NOT NULL REFERENCES integration_packs (id) ON DELETE CASCADE,
    slot                smallint NOT NULL,
    instances           bigint   NOT NULL,
    PRIMARY KEY (integration_pack_id, slot)
);

-- Per release: how many instances run it (installed), and its ledger by outcome. The ledger
-- figures count the ledger's rows while the release is open; once it is terminal they stay what
-- they were when it ended (instances uninstalled later leave the ledger, not the release's history).
CREATE TABLE release_progress (
    release_id            uuid     NOT NULL REFERENCES releases (id) ON DELETE CASCADE,
    slot                  smallint NOT NULL,
    installed             bigint   NOT NULL DEFAULT 0,
    applied_manually      bigint   NOT NULL DEFAULT 0,
    applied_automatically bigint   NOT NULL DEFAULT 0,
    failed                bigint   NOT NULL DEFAULT 0,
    PRIMARY KEY (release_id, slot)
);

-- The counters of one release, summed over their slots: select it by release_id (the view is
-- flattened, so the sum is computed for the selected releases only).
CREATE VIEW release_counts AS
SELECT r.id AS release_id, c.installed, c.applied_manually, c.applied_automatically, c.failed
FROM releases r
CROSS JOIN LATERAL (
    SELECT COALESCE(sum(p.installed), 0)::bigint             AS installed,
           COALESCE(sum(p.applied_manually), 0)::bigint      AS applied_manually,
           COALESCE(sum(p.applied_automatically), 0)::bigint AS applied_automatically,
           COALESCE(sum(p.failed), 0)::bigint                AS failed
    FROM release_progress p WHERE p.release_id = r.id) c;

-- Instances: installed per release and per pack. Statement-level triggers see the rows a statement
-- changed as transition tables, so a batch of 1,000 instances costs one grouped upsert, not 1,000.
CREATE FUNCTION count_instances() RETURNS trigger LANGUAGE plpgsql AS $$
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
        SELECT moved.release_id, my_slot, sum(moved.delta)
        FROM (SELECT o.installed_release_id AS release_id, -1 AS delta
              FROM old_rows o JOIN new_rows n ON n.id = o.id
              WHERE n.installed_release_id <> o.installed_release_id
              UNION ALL
              SELECT n.installed_release_id, 1
              FROM old_rows o JOIN new_rows n ON n.id = o.id
              WHERE n.installed_release_id <> o.installed_release_id) moved
        GROUP BY 1 ORDER BY 1
        ON CONFLICT (release_id, slot) DO UPDATE SET installed = c.installed + EXCLUDED.installed;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER integration_pack_instances_counted_insert AFTER INSERT ON integration_pack_instances
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION count_instances();
CREATE TRIGGER integration_pack_instances_counted_update AFTER UPDATE ON integration_pack_instances
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION count_instances();
CREATE TRIGGER integration_pack_instances_counted_delete AFTER DELETE ON integration_pack_instances
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION count_instances();

-- The ledger by outcome. Rows are inserted only while their release is open (the applying
-- transaction checks it); removed rows (their instance was uninstalled) leave the figures of open
-- releases only.
CREATE FUNCTION count_ledger() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    my_slot smallint := pg_backend_pid() % 16;
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO release_progress AS c (release_id, slot, applied_manually, applied_automatically, failed)
        SELECT n.release_id, my_slot,
               count(*) FILTER (WHERE n.status = 'APPLIED' AND n.mode = 'MANUAL'),
               count(*) FILTER (WHERE n.status = 'APPLIED' AND n.mode <> 'MANUAL'),
               count(*) FILTER (WHERE n.status = 'FAILED')
        FROM new_rows n GROUP BY 1 ORDER BY 1
        ON CONFLICT (release_id, slot) DO UPDATE
            SET applied_manually = c.applied_manually + EXCLUDED.applied_manually,
                applied_automatically = c.applied_automatically + EXCLUDED.applied_automatically,
                failed = c.failed + EXCLUDED.failed;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO release_progress AS c (release_id, slot, applied_manually, applied_automatically, failed)
        SELECT o.release_id, my_slot,
               -count(*) FILTER (WHERE o.status = 'APPLIED' AND o.mode = 'MANUAL'),
               -count(*) FILTER (WHERE o.status = 'APPLIED' AND o.mode <> 'MANUAL'),
               -count(*) FILTER (WHERE o.status = 'FAILED')
        FROM old_rows o JOIN releases r ON r.id = o.release_id
        WHERE TG_OP = 'UPDATE' OR r.status IN ('SCHEDULED', 'IN_PROGRESS')
        GROUP BY 1 ORDER BY 1
        ON CONFLICT (release_id, slot) DO UPDATE
            SET applied_manually = c.applied_manually + EXCLUDED.applied_manually,
                applied_automatically = c.applied_automatically + EXCLUDED.applied_automatically,
                failed = c.failed + EXCLUDED.failed;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER release_instances_counted_insert AFTER INSERT ON release_instances
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION count_ledger();
CREATE TRIGGER release_instances_counted_update AFTER UPDATE ON release_instances
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION count_ledger();
CREATE TRIGGER release_instances_counted_delete AFTER DELETE ON release_instances
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION count_ledger();

-- What exists today, counted once, into slot 0: open releases from their ledger, terminal ones from
-- the counters their rows kept.
INSERT INTO pack_instance_counts (integration_pack_id, slot, instances)
SELECT integration_pack_id, 0, count(*) FROM integration_pack_instances GROUP BY 1;

INSERT INTO release_progress (release_id, slot, installed, applied_manually, applied_automatically, failed)
SELECT r.id, 0,
       (SELECT count(*) FROM integration_pack_instances i WHERE i.installed_release_id = r.id),
       CASE WHEN r.status IN ('SCHEDULED', 'IN_PROGRESS') THEN live.manual ELSE r.applied_manually END,
       CASE WHEN r.status IN ('SCHEDULED', 'IN_PROGRESS') THEN live.automatic ELSE r.applied_automatically END,
       CASE WHEN r.status IN ('SCHEDULED', 'IN_PROGRESS') THEN live.failed ELSE r.failed END
FROM releases r
CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE ri.status = 'APPLIED' AND ri.mode = 'MANUAL') AS manual,
           count(*) FILTER (WHERE ri.status = 'APPLIED' AND ri.mode <> 'MANUAL') AS automatic,
           count(*) FILTER (WHERE ri.status = 'FAILED') AS failed
    FROM release_instances ri WHERE ri.release_id = r.id) live;

-- The counters replace the release row's own (which the applying transactions had to update, a
-- hot row for all lanes) and the index that only served counting: without it, moving an instance
-- to a release changes no indexed column, so the update can stay on its page (a heap-only tuple)
-- when the page has room, which the fill factor keeps for pages written from now on.
ALTER TABLE releases DROP COLUMN applied_manually, DROP COLUMN applied_automatically, DROP COLUMN failed,
    DROP COLUMN instances_total; -- never maintained
DROP INDEX integration_pack_instances_pack_release_idx;
ALTER TABLE integration_pack_instances SET (fillfactor = 80);
