package io.packwright.workflows.release;

/**
 * Types of the non-retryable {@link io.temporal.failure.ApplicationFailure}s that release activities
 * throw. Anything else an activity throws is transient and retried.
 */
public enum ReleaseFailureType {
    /** The release row is missing although the workflow still runs: nothing can be applied. */
    RELEASE_NOT_FOUND,
    /** The input names a state the release can never reach (a programming error, not an outage). */
    INVALID_INPUT
}
