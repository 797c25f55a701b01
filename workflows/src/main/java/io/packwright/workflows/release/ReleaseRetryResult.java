package io.packwright.workflows.release;

/**
 * How a retry workflow ended. The counters are its own, across its runs; the release's ledger is the
 * truth.
 *
 * @param status the release's status when the retry ended; one that is not {@link
 *     ReleaseStatus#retriesFailed() retriable} stopped it early
 * @param applied instances that took the release
 * @param failed instances that still could not take it (they stay {@code FAILED}, attempts counted)
 */
public record ReleaseRetryResult(ReleaseStatus status, long applied, long failed) {}
