package io.packwright.api.schedules;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.packwright.activities.schedule.StoredRule;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The schedule of a process of an instance in one of its environments.
 *
 * @param id the schedule
 * @param integrationPackInstanceId the instance
 * @param componentId the process
 * @param componentName its name
 * @param environmentId the environment it runs in
 * @param enabled whether it fires
 * @param timeZone the zone of its rules
 * @param rules its rules
 * @param maxRetries retries of a failed or timed-out run
 * @param retryDelayMinutes minutes between a failure and its retry
 * @param overlap its overlap policy
 * @param nextRuns its next five fire instants (UTC); empty while disabled
 * @param disabledReason why the system disabled it (a release dropped the process); {@code null}
 *     otherwise
 * @param createdAt when it was created
 * @param updatedAt when it last changed
 */
@Serdeable
public record ProcessScheduleResponse(
        UUID id,
        UUID integrationPackInstanceId,
        UUID componentId,
        String componentName,
        UUID environmentId,
        boolean enabled,
        String timeZone,
        List<StoredRule> rules,
        int maxRetries,
        int retryDelayMinutes,
        ProcessScheduleRequest.Overlap overlap,
        List<Instant> nextRuns,
        @Nullable String disabledReason,
        Instant createdAt,
        Instant updatedAt) {}
