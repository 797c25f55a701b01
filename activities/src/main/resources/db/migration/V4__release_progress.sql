-- Release progress is read while a release runs: "how many instances of the pack are still on an
-- older release" is an index-only count over (pack, installed release) instead of a join per row.
CREATE INDEX integration_pack_instances_pack_release_idx
    ON integration_pack_instances (integration_pack_id, installed_release_id);

-- The testing period's queue of manual applies, oldest first.
CREATE INDEX release_apply_requests_queue_idx ON release_apply_requests (release_id, requested_at);

-- The ledger filtered by outcome: failures are few among many applied rows.
CREATE INDEX release_instances_failed_idx
    ON release_instances (release_id, integration_pack_instance_id) WHERE status = 'FAILED';
