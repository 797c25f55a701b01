package io.packwright.api.schedules;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.packwright.activities.schedule.StoredRule;
import io.packwright.api.accounts.TimeZoneId;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * Creates or replaces the schedule of a process in an environment.
 *
 * @param enabled whether it fires
 * @param timeZone the IANA zone (or UTC offset) its rules are in; default the account's (a managed
 *     account without one: its partner's)
 * @param rules 1 to 20 rules; the schedule fires at the union of their times
 * @param maxRetries how often a failed or timed-out run is retried, 0..5
 * @param retryDelayMinutes how long after a failure its retry is queued, 1..1440
 * @param overlap what a fire does while an earlier run of the schedule is still queued or running
 */
@Serdeable
public record ProcessScheduleRequest(
        @NotNull Boolean enabled,
        @Nullable @TimeZoneId String timeZone,
        @NotNull @Size(min = 1, max = 20) List<@NotNull StoredRule> rules,
        @NotNull @Min(0) @Max(5) Integer maxRetries,
        @NotNull @Min(1) @Max(1440) Integer retryDelayMinutes,
        @NotNull Overlap overlap) {

    /** What a fire does while an earlier run of the schedule is still queued or running. */
    public enum Overlap {
        /** The fire is recorded as {@code SKIPPED}. */
        SKIP,
        /** One fire waits (queued) behind the running one; further fires are {@code SKIPPED}. */
        BUFFER_ONE,
        /** Every fire is queued; runs may overlap. */
        ALLOW
    }
}
