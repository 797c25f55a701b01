package io.packwright.activities.store.release;

import io.micronaut.core.annotation.Nullable;
import java.time.Instant;
import java.util.List;

/**
 * The staged rollout of a release: its waves in order, the soak between them and its failure gate.
 *
 * @param soakMinutes how long the release soaks after each wave but the last
 * @param maxFailedPercent the largest failed share of a wave that does not pause the release
 * @param waves the waves, in order; the last one completes the install base
 */
public record ReleaseRollout(int soakMinutes, int maxFailedPercent, List<Wave> waves) {

    public ReleaseRollout {
        waves = List.copyOf(waves);
    }

    /** The states of a wave. */
    public enum WaveState {
        /** Not started. */
        PENDING,
        /** Being applied. */
        APPLYING,
        /** Applied; the release waits for its soak to end before the next wave. */
        SOAKING,
        /** Applied (and soaked). */
        DONE
    }

    /**
     * One wave and how far it got.
     *
     * @param target what it takes
     * @param state where it stands
     * @param instances its own instances (without the earlier waves'), as counted when the release
     *     opened and again when the wave started; 0 before the release opens
     * @param applied its instances that took the release
     * @param failed its instances that could not
     * @param soakUntil when its soak ends, while it soaks
     */
    public record Wave(
            WaveTarget target,
            WaveState state,
            long instances,
            long applied,
            long failed,
            @Nullable Instant soakUntil) {}
}
