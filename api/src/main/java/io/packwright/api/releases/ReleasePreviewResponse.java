package io.packwright.api.releases;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.packwright.activities.store.release.ReleasePreviewStore;
import io.packwright.activities.store.release.ReleaseRecord;
import io.packwright.api.problem.ApiException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What a release would be, if it were created now ({@code POST .../release-preview}).
 *
 * @param components every component of the pack's current release or of the new one, by name, with
 *     the package version each has ({@code null} where it has none) and the change
 * @param windowStart the window of a scheduled release, as a UTC instant; {@code null} for
 *     {@code IMMEDIATELY} or an invalid date
 * @param windowEnd one hour after {@code windowStart}
 * @param instances the instances it would reach: every instance of the pack
 * @param wouldFail those of them that miss a value for an extension the release requires without a
 *     default: the fan-out would record them {@code FAILED}
 * @param failureReasons the largest groups of failing instances by the keys they miss, at most
 *     {@link #FAILURE_GROUPS_SHOWN}
 * @param failureReasonCount how many such groups there are in all
 * @param waves how the fan-out would split the instances: the waves of its {@code rollout}, or one wave
 *     of all of them
 * @param blockers the errors that creating this release would answer now, in the order it checks
 *     them (it answers the first); empty when it would be accepted
 */
@Serdeable
public record ReleasePreviewResponse(
        List<ComponentChange> components,
        @Nullable Instant windowStart,
        @Nullable Instant windowEnd,
        long instances,
        long wouldFail,
        List<FailureReason> failureReasons,
        long failureReasonCount,
        List<Wave> waves,
        List<Blocker> blockers) {

    /** Failure groups a preview shows. */
    static final int FAILURE_GROUPS_SHOWN = 10;

    /** Missing keys a failure group shows. */
    static final int MISSING_KEYS_SHOWN = 20;

    /** How a component changes. */
    public enum Change {
        ADDED,
        UPDATED,
        REMOVED,
        UNCHANGED
    }

    /**
     * One component, from the current release to the new one.
     *
     * @param fromVersion its package version in the pack's current release; {@code null} when absent
     * @param toVersion its package version in the new release; {@code null} when the new one drops it
     */
    @Serdeable
    public record ComponentChange(
            UUID componentId,
            String componentName,
            @Nullable String fromVersion,
            @Nullable String toVersion,
            Change change) {}

    /**
     * Instances that miss the same keys.
     *
     * @param missingKeys the keys they miss, at most {@link #MISSING_KEYS_SHOWN}, in key order
     * @param missingKeyCount how many keys they miss in all
     * @param instances how many instances miss exactly these keys
     */
    @Serdeable
    public record FailureReason(List<String> missingKeys, int missingKeyCount, long instances) {}

    /**
     * A wave of the fan-out.
     *
     * @param target which instances it takes: {@code 100%} for the whole install base, {@code N%} for a
     *     cumulative share, {@code accountGroup:<id>} for the accounts of an account group
     * @param instances how many instances of its own (without the earlier waves') that is now
     */
    @Serdeable
    public record Wave(String target, long instances) {}

    /**
     * An error that creating the release would answer now.
     *
     * @param status its HTTP status
     * @param detail what it would say
     */
    @Serdeable
    public record Blocker(int status, String detail) {}

    static ReleasePreviewResponse of(
            List<ReleaseRecord.Component> current,
            List<ReleaseRecord.Component> next,
            @Nullable ReleaseWindow window,
            ReleasePreviewStore.Reach reach,
            List<Wave> waves,
            List<ApiException> blockers) {
        Map<UUID, ReleaseRecord.Component> before = new LinkedHashMap<>();
        current.forEach(component -> before.put(component.componentId(), component));
        Map<UUID, ReleaseRecord.Component> after = new LinkedHashMap<>();
        next.forEach(component -> after.put(component.componentId(), component));
        List<ComponentChange> changes = new ArrayList<>();
        for (ReleaseRecord.Component component : next) {
            ReleaseRecord.Component was = before.get(component.componentId());
            Change change = was == null
                    ? Change.ADDED
                    : was.packageId().equals(component.packageId()) ? Change.UNCHANGED : Change.UPDATED;
            changes.add(new ComponentChange(
                    component.componentId(),
                    component.componentName(),
                    was == null ? null : was.packageVersion(),
                    component.packageVersion(),
                    change));
        }
        for (ReleaseRecord.Component component : current) {
            if (!after.containsKey(component.componentId())) {
                changes.add(new ComponentChange(
                        component.componentId(),
                        component.componentName(),
                        component.packageVersion(),
                        null,
                        Change.REMOVED));
            }
        }
        changes.sort(Comparator.comparing(ComponentChange::componentName).thenComparing(ComponentChange::componentId));
        return new ReleasePreviewResponse(
                changes,
                window == null ? null : window.start(),
                window == null ? null : window.end(),
                reach.instances(),
                reach.wouldFail(),
                reach.groups().stream()
                        .map(group ->
                                new FailureReason(group.missingKeys(), group.missingKeyCount(), group.instances()))
                        .toList(),
                reach.groupCount(),
                waves,
                blockers.stream()
                        .map(blocker -> new Blocker(blocker.status().getCode(), blocker.detail()))
                        .toList());
    }
}
