package io.packwright.api.packs;

/**
 * The hook through which deleting a pack stops its release workflows: its pending release's (and
 * any release still being applied). {@link DeletedPackSweeper} calls it for every deleted pack
 * before removing the pack's rows, and again on every later sweep until it returns normally, so a
 * crash at any moment leaves no release workflow of a deleted pack running.
 *
 * <p>{@link TemporalReleaseWorkflowCanceller} requests Temporal cancellation by workflow id. The
 * release workflow decides what a cancellation means: when its release row is {@code CANCELLED} (the
 * pack was deleted) it must end without applying anything more; when it is being superseded it
 * records {@code SUPERSEDED}.
 */
public interface ReleaseWorkflowCanceller {

    /**
     * Stops the given workflows. Idempotent: a workflow that has already ended, or was never started,
     * counts as stopped.
     *
     * @throws RuntimeException when a workflow could not be reached; the clean-up tries again later
     */
    void cancelReleaseWorkflows(DeletedPackReleases releases);
}
