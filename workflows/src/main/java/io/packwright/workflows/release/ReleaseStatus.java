package io.packwright.workflows.release;

/**
 * The life cycle of a release row: {@code SCHEDULED → IN_PROGRESS → RELEASED}, held on the way by
 * {@code PAUSED}, or an early end.
 */
public enum ReleaseStatus {
    /** Pending, in its testing period: only manual applies. */
    SCHEDULED,
    /** Current, being applied to the instances that do not have it yet. */
    IN_PROGRESS,
    /** Current, but held by its partner or its failure gate: applies nothing until resumed. */
    PAUSED,
    /** Applied to every instance that could take it. */
    RELEASED,
    /** Replaced by a newer immediate release before it finished; applies nothing more. */
    SUPERSEDED,
    /** Stopped before it started (by its partner, or its pack was deleted); applies nothing more. */
    CANCELLED,
    /** Stopped by its partner while in progress; what it applied is put back. */
    ABORTED;

    /**
     * The open statuses as an SQL list, for statements that must find the releases that are not
     * terminal: {@code r.status IN } + this. The one place that says which statuses are open.
     */
    public static final String OPEN_SQL = "('SCHEDULED', 'IN_PROGRESS', 'PAUSED')";

    /** Whether the release is not terminal: it may still change instances. */
    public boolean isOpen() {
        return this == SCHEDULED || this == IN_PROGRESS || this == PAUSED;
    }

    /** Whether ending with this status puts back what the release applied (a cancel or an abort). */
    public boolean reverts() {
        return this == CANCELLED || this == ABORTED;
    }

    /**
     * Whether the release may be applied again to the instances it failed on ({@code retry-failed},
     * and the catch-up of an instance whose values were fixed): it is current or was completed, not
     * scheduled and not stopped.
     */
    public boolean retriesFailed() {
        return this == IN_PROGRESS || this == PAUSED || this == RELEASED;
    }
}
