package io.packwright.activities.store.release;

import io.micronaut.core.annotation.Nullable;
import java.util.UUID;

/**
 * What one wave of a staged rollout takes: a cumulative share of the install base chosen by a stable
 * hash of the account id, or the accounts of an account group. Exactly one of the two is set.
 *
 * @param percent the cumulative share, 1..100
 * @param accountGroupId the account group
 */
public record WaveTarget(
        @Nullable Integer percent, @Nullable UUID accountGroupId) {

    public WaveTarget {
        if ((percent == null) == (accountGroupId == null)) {
            throw new IllegalArgumentException("a wave has a percent or an account group, not both or neither");
        }
    }
}
