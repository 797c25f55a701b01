package io.packwright.api.releases;

import io.micronaut.core.annotation.Nullable;
import io.packwright.activities.store.release.NewRelease;
import io.packwright.activities.store.release.WaveTarget;
import io.packwright.api.problem.ApiException;
import io.packwright.workflows.release.ReleaseSchedule;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

/** The rules of a staged rollout, shared by creating a release and previewing one. */
final class Rollouts {

    /** The minutes of a release window that the soaks of a scheduled release's waves must fit in. */
    static final int WINDOW_MINUTES = (int) ReleaseWindow.LENGTH.toMinutes();

    private Rollouts() {}

    /**
     * The rollout {@code request} asks for, checked: every wave has one target, percents grow,
     * account groups are the partner's ({@code ownedGroup}) and appear once, and a scheduled
     * release's soaks fit in its window; {@code 400} naming the field otherwise.
     *
     * @return the rollout, or {@code null} when none was asked for
     */
    @Nullable
    static NewRelease.Rollout check(
            @Nullable RolloutRequest request, ReleaseSchedule schedule, Predicate<UUID> ownedGroup) {
        if (request == null) {
            return null;
        }
        List<WaveTarget> waves = new ArrayList<>();
        Set<UUID> groups = new HashSet<>();
        Integer lastPercent = null;
        for (int index = 0; index < request.waves().size(); index++) {
            RolloutRequest.WaveRequest wave = request.waves().get(index);
            String field = "rollout.waves[" + index + "]";
            if ((wave.percent() == null) == (wave.accountGroupId() == null)) {
                throw ApiException.invalidField(
                        field, "must have either a percent (1..100) or an accountGroupId, and not both");
            }
            if (wave.percent() != null) {
                if (lastPercent != null && wave.percent() <= lastPercent) {
                    throw ApiException.invalidField(
                            field + ".percent",
                            "must be above the percent of the wave before it (" + lastPercent + "): percents are"
                                    + " cumulative shares of the install base");
                }
                lastPercent = wave.percent();
            } else {
                if (!groups.add(wave.accountGroupId())) {
                    throw ApiException.invalidField(
                            field + ".accountGroupId",
                            "names account group " + wave.accountGroupId() + " a second time; a group is one wave");
                }
                if (!ownedGroup.test(wave.accountGroupId())) {
                    throw ApiException.invalidField(
                            field + ".accountGroupId",
                            "is not one of your account groups: no account group " + wave.accountGroupId()
                                    + "; list them with GET /api/v1/account-groups");
                }
            }
            waves.add(new WaveTarget(wave.percent(), wave.accountGroupId()));
        }
        int soakMinutes = request.soakMinutes() == null ? 0 : request.soakMinutes();
        int maxFailedPercent = request.maxFailedPercent() == null ? 100 : request.maxFailedPercent();
        long soaking = (long) soakMinutes * (waves.size() - 1);
        if (schedule == ReleaseSchedule.RELEASE_ON_SPECIFIED_DATE && soaking >= WINDOW_MINUTES) {
            throw ApiException.invalidField(
                    "rollout.soakMinutes",
                    "times the number of waves less one (" + soakMinutes + " × " + (waves.size() - 1) + " = "
                            + soaking + ") must be below " + WINDOW_MINUTES + ": the waves of a scheduled release run"
                            + " inside its one-hour window");
        }
        return new NewRelease.Rollout(waves, soakMinutes, maxFailedPercent);
    }

    /** How a wave's target is shown: {@code 25%}, or {@code accountGroup:<id>}. */
    static String target(WaveTarget target) {
        return target.percent() != null ? target.percent() + "%" : "accountGroup:" + target.accountGroupId();
    }
}
