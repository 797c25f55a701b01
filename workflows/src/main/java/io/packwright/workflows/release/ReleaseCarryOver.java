package io.packwright.workflows.release;

import java.util.List;

/**
 * Orchestration state that one run of a release workflow hands to the next when it continues as
 * new. Everything else lives in PostgreSQL.
 *
 * @param phase where the release stands
 * @param requestsQueued whether manual applies may be queued that no activity has handled yet
 * @param lanes the fan-out's lanes, once partitioned; empty before
 * @param applied instances applied so far by this workflow
 * @param failed instances that could not take the release so far
 * @param runs how many runs came before the next one
 */
public record ReleaseCarryOver(
        Phase phase, boolean requestsQueued, List<Lane> lanes, long applied, long failed, int runs) {

    public ReleaseCarryOver {
        lanes = List.copyOf(lanes);
    }

    /** The phases of a release workflow. */
    public enum Phase {
        /** A scheduled release in its testing period, before its window. */
        TESTING_PERIOD,
        /** Current; being applied to the whole install base. */
        FAN_OUT
    }

    /**
     * One range of instance ids of the fan-out: ids {@code > after} (all when null) and {@code <=
     * upTo} (all when null).
     *
     * @param after cursor: the last instance id handled, exclusive lower bound
     * @param upTo inclusive upper bound of the range
     * @param done whether the range is exhausted
     */
    public record Lane(java.util.UUID after, java.util.UUID upTo, boolean done) {}
}
