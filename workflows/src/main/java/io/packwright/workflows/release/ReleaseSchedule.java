package io.packwright.workflows.release;

/** How a release reaches the install base (the contract's {@code releaseSchedule}). */
public enum ReleaseSchedule {
    /** Becomes current at once and is applied to every instance without waiting. */
    IMMEDIATELY,
    /**
     * Pending during a testing period (managed accounts may apply it themselves), then current and
     * applied to everyone else from the start of {@code releaseOnDate} in the partner's time zone.
     */
    RELEASE_ON_SPECIFIED_DATE
}
