package io.packwright.workflows.release;

/** The life cycle of a release row: {@code SCHEDULED → IN_PROGRESS → RELEASED}, or an early end. */
public enum ReleaseStatus {
    /** Pending, in its testing period: only manual applies. */
    SCHEDULED,
    /** Current, being applied to the instances that do not have it yet. */
    IN_PROGRESS,
    /** Applied to every instance that could take it. */
    RELEASED,
    /** Replaced by a newer immediate release before it finished; applies nothing more. */
    SUPERSEDED,
    /** Stopped (its pack was deleted); applies nothing more. */
    CANCELLED;

    /** Whether the release may still change instances. */
    public boolean isOpen() {
        return this == SCHEDULED || this == IN_PROGRESS;
    }
}
