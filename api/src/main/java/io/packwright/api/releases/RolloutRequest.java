package io.packwright.api.releases;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.UUID;

/**
 * A staged rollout: the release is applied wave by wave instead of to the whole install base at once.
 *
 * @param waves in order, at most {@link #MAX_WAVES}; each a cumulative {@code percent} of the install
 *     base (by a stable hash of the account id, so that all instances of an account are in the same
 *     wave; percents must grow from wave to wave) or the accounts of an {@code accountGroupId}; the
 *     last wave always completes the whole install base
 * @param soakMinutes how long the release waits after each wave but the last, 0..1440; 0 when absent.
 *     For {@code RELEASE_ON_SPECIFIED_DATE} the waves run inside the one-hour window, so {@code
 *     soakMinutes × (waves − 1)} must be below 60
 * @param maxFailedPercent a wave whose failed share is above this pauses the release, 0..100; 100
 *     (never) when absent
 */
@Serdeable
public record RolloutRequest(
        @NotNull @Size(min = 1, max = MAX_WAVES) List<@NotNull @Valid WaveRequest> waves,
        @Nullable @Min(0) @Max(1440) Integer soakMinutes,
        @Nullable @Min(0) @Max(100) Integer maxFailedPercent) {

    /** The most waves a rollout may have. */
    static final int MAX_WAVES = 10;

    /**
     * One wave: exactly one of the two.
     *
     * @param percent the cumulative share of the install base, 1..100
     * @param accountGroupId an account group of the partner; its accounts' instances
     */
    @Serdeable
    public record WaveRequest(
            @Nullable @Min(1) @Max(100) Integer percent,
            @Nullable UUID accountGroupId) {}
}
