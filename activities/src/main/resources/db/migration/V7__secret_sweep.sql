-- The worker's secret sweep keeps every secret extension value encrypted under the current key.
--
-- 1. Keys that a release made secret: values set in plain text while such a key was not secret
--    are encrypted by walking the pack's instances in id order, a batch per transaction, from
--    after_instance_id (the cursor survives a crash). The release's transaction queues the sweep;
--    the walk encrypts only values whose key is secret for their instance when it gets there.
CREATE TABLE secret_key_sweeps (
    id                  uuid PRIMARY KEY,
    integration_pack_id uuid        NOT NULL REFERENCES integration_packs (id) ON DELETE CASCADE,
    keys                text[]      NOT NULL CHECK (cardinality(keys) > 0),
    after_instance_id   uuid        NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000',
    created_at          timestamptz NOT NULL
);
CREATE INDEX secret_key_sweeps_queue_idx ON secret_key_sweeps (created_at, id);
CREATE INDEX secret_key_sweeps_pack_idx ON secret_key_sweeps (integration_pack_id);

-- Releases created before this migration may have made keys secret whose values were left in plain
-- text: one sweep per live pack with every key that any of its releases declares secret.
INSERT INTO secret_key_sweeps (id, integration_pack_id, keys, created_at)
SELECT gen_random_uuid(), r.integration_pack_id, array_agg(DISTINCT pe.key ORDER BY pe.key), now()
FROM releases r
JOIN integration_packs p ON p.id = r.integration_pack_id AND p.deleted_at IS NULL
JOIN release_components rc ON rc.release_id = r.id
JOIN package_extensions pe ON pe.packaged_component_id = rc.packaged_component_id
WHERE pe.secret
GROUP BY r.integration_pack_id;

-- 2. Ciphertexts under a previous key (or of version 1, without a key id) are found by their first
--    five bytes, version and key id, which differ from those of the current key: two range scans of
--    these indexes, however many values there are. Not partial: the planner estimates the ranges
--    from the statistics of an expression index only when it has no predicate, and without them
--    it would scan the table.
CREATE INDEX instance_extension_values_key_id_idx
    ON instance_extension_values (substring(encrypted_value FROM 1 FOR 5));
CREATE INDEX package_extensions_key_id_idx
    ON package_extensions (substring(encrypted_default_value FROM 1 FOR 5));

-- 3. Defaults of secret extensions stored in plain text before V6, until the sweep has encrypted them.
CREATE INDEX package_extensions_plain_secret_default_idx
    ON package_extensions (packaged_component_id, key) WHERE secret AND default_value IS NOT NULL;
