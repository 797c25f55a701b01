package io.packwright.workflows.release;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Orchestration state that one run of a release workflow hands to the next when it continues as
 * new. Everything else lives in PostgreSQL. Runs of workflows older than release control carry only
 * the first six; the others are then {@code null}, {@code false} or 0.
 *
 * @param phase where the release stands
 * @param requestsQueued whether manual applies may be queued that no activity has handled yet
 * @param lanes the fan-out's lanes, once partitioned; empty before
 * @param applied instances applied so far by this workflow
 * @param failed instances that could not take the release so far
 * @param runs how many runs came before the next one
 * @param windowStart the window start as the last run knew it (a reschedule moves it); {@code null}
 *     for the input's
 * @param waves how many waves the staged rollout has; 0 when it is not staged
 * @param wave the wave being applied or soaked, from 0; {@code null} when not staged
 * @param soaking whether that wave has been applied and soaks
 * @param stop the status that a {@code REVERTING} release ends with
 * @param revertedUpTo the compensating step's cursor
 * @param reverted instances put back so far
 */
public record ReleaseCarryOver(
        Phase phase,
        boolean requestsQueued,
        List<Lane> lanes,
        long applied,
        long failed,
        int runs,
        Instant windowStart,
        int waves,
        Integer wave,
        boolean soaking,
        ReleaseStatus stop,
        UUID revertedUpTo,
        long reverted) {

    public ReleaseCarryOver {
        lanes = lanes == null ? List.of() : List.copyOf(lanes);
    }

    /** The phases of a release workflow. */
    public enum Phase {
        /** A scheduled release in its testing period, before its window. */
        TESTING_PERIOD,
        /** Current; being applied to the whole install base (wave by wave when staged). */
        FAN_OUT,
        /** Cancelled or aborted; putting back what it applied. */
        REVERTING
    }

    /**
     * One range of instance ids of the fan-out: ids {@code > after} (all when null) and {@code <=
     * upTo} (all when null).
     *
     * @param after cursor: the last instance id handled, exclusive lower bound
     * @param upTo inclusive upper bound of the range
     * @param done whether the range is exhausted
     */
    public record Lane(UUID after, UUID upTo, boolean done) {}
}
