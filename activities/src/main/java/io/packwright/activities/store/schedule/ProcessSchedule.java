package io.packwright.activities.store.schedule;

import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import java.time.Instant;
import java.util.UUID;

/**
 * A process schedule as stored, with the name of its component.
 *
 * @param id the schedule
 * @param integrationPackInstanceId its instance
 * @param componentId the process it runs
 * @param componentName that component's name
 * @param environmentId the environment it runs in
 * @param accountId the instance's account
 * @param enabled whether it fires
 * @param timeZone the zone its rules are in
 * @param rules its rules, a JSON array of {@code {"kind", ...}} objects (see {@code io.packwright.activities.schedule.StoredRules})
 * @param maxRetries how often a failed or timed-out run is retried
 * @param retryDelayMinutes how long after a failure a retry is queued
 * @param overlap {@code SKIP}, {@code BUFFER_ONE} or {@code ALLOW}
 * @param disabledReason why the system disabled it, if it did
 * @param version grows with every change
 * @param createdAt when it was created
 * @param updatedAt when it last changed
 */
@Introspected
public record ProcessSchedule(
        UUID id,
        UUID integrationPackInstanceId,
        UUID componentId,
        String componentName,
        UUID environmentId,
        UUID accountId,
        boolean enabled,
        String timeZone,
        String rules,
        int maxRetries,
        int retryDelayMinutes,
        String overlap,
        @Nullable String disabledReason,
        long version,
        Instant createdAt,
        Instant updatedAt) {}
