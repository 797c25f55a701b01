package io.packwright.activities.store.release;

import io.micronaut.core.annotation.Nullable;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The instances that the waves up to one wave of a staged rollout take, as an SQL condition on an
 * instance {@code i}: its account's bucket ({@code rollout_bucket}, migration V16) is below the
 * largest percent of those waves, or its account is a member of one of their account groups.
 *
 * @param maxPercent the largest percent of the waves, 0 when none has one
 * @param groupIds the account groups of the waves
 */
record WaveFilter(int maxPercent, List<UUID> groupIds) {

    /**
     * The condition, with two parameters: {@link #maxPercent} and {@link #groupIds} (a uuid array).
     * The group probe uses the members' primary key.
     */
    static final String MEMBER = "(rollout_bucket(i.account_id) < ? OR EXISTS (SELECT 1 FROM account_group_members m"
            + " WHERE m.account_group_id = ANY (?) AND m.account_id = i.account_id))";

    /** Takes no instance: what comes before the first wave. */
    static final WaveFilter NOBODY = new WaveFilter(0, List.of());

    WaveFilter {
        groupIds = List.copyOf(groupIds);
    }

    /**
     * What waves {@code 0..wave} take together; {@code null} (everyone) when {@code wave} is the
     * last: the last wave always completes the install base.
     */
    @Nullable
    static WaveFilter upTo(List<WaveTarget> waves, int wave) {
        if (wave < 0 || wave >= waves.size()) {
            throw new IllegalArgumentException("no wave " + wave + " of " + waves.size());
        }
        if (wave == waves.size() - 1) {
            return null;
        }
        List<WaveTarget> through = waves.subList(0, wave + 1);
        int maxPercent = through.stream()
                .map(WaveTarget::percent)
                .filter(Objects::nonNull)
                .mapToInt(Integer::intValue)
                .max()
                .orElse(0);
        List<UUID> groups = through.stream()
                .map(WaveTarget::accountGroupId)
                .filter(Objects::nonNull)
                .distinct()
                .toList();
        return new WaveFilter(maxPercent, groups);
    }
}
