package io.packwright.workflows.release;

/** How a release reached an instance, as recorded in the per-instance ledger. */
public enum ApplyMode {
    /** The managed account applied the pending release during its testing period. */
    MANUAL,
    /** Applied by the release window of a scheduled release. */
    AUTOMATIC,
    /** Applied by an immediate release. */
    IMMEDIATE,
    /** Applied again after it had failed: on request ({@code retry-failed}) or by catch-up. */
    RETRY;

    /** The mode in which the fan-out of a release with this schedule applies it. */
    public static ApplyMode fanOutOf(ReleaseSchedule schedule) {
        return schedule == ReleaseSchedule.IMMEDIATELY ? IMMEDIATE : AUTOMATIC;
    }
}
