-- Catalog and integration packs: the limits the API promises, and the indexes that keep the
-- package lists and the clean-up of deleted packs to index probes.

-- Package notes are bounded like release notes.
ALTER TABLE packaged_components
    ADD CONSTRAINT packaged_components_notes_length CHECK (char_length(notes) <= 10000);

-- GET /components/{id}/packages lists every package of a component newest first (keyset on id);
-- packaged_components_newest_shareable_idx only covers the shareable ones.
CREATE INDEX packaged_components_component_idx ON packaged_components (component_id, id);

-- Deleting a pack's instances in batches cascades to these tables row by row: each cascade
-- lookup must be an index probe, not a scan, or a pack with a million instances never finishes.
CREATE INDEX release_apply_requests_instance_idx ON release_apply_requests (integration_pack_instance_id);

-- Removing a deleted pack's release rows checks the foreign keys that point at them.
CREATE INDEX releases_superseded_by_idx ON releases (superseded_by_id) WHERE superseded_by_id IS NOT NULL;
CREATE INDEX integration_packs_current_release_idx
    ON integration_packs (current_release_id) WHERE current_release_id IS NOT NULL;
