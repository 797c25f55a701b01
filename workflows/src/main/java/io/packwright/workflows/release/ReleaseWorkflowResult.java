package io.packwright.workflows.release;

/**
 * How a release workflow ended. The counters are those of this workflow's activities across all of
 * its runs; the release row holds the authoritative progress.
 *
 * @param status the release's final status
 * @param applied instances this workflow applied the release to (manual and fan-out)
 * @param failed instances that could not take the release
 */
public record ReleaseWorkflowResult(ReleaseStatus status, long applied, long failed) {}
