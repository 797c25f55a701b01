package io.packwright.activities.store.schedule;

import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import java.time.Instant;
import java.util.UUID;

/**
 * A process execution as clients see it.
 *
 * @param id the execution
 * @param accountId the instance's account
 * @param integrationPackInstanceId the instance
 * @param componentId the process
 * @param componentName its name when the execution was queued
 * @param environmentId the environment it runs in
 * @param trigger {@code SCHEDULE}, {@code MANUAL} or {@code RETRY}
 * @param attempt 1 for a first run, then one more per retry
 * @param scheduledFor when it was due
 * @param queuedAt when it was recorded
 * @param claimedAt when a runtime claimed it
 * @param startedAt when the runtime says it started
 * @param finishedAt when it ended
 * @param status {@code QUEUED}, {@code CLAIMED}, {@code SUCCEEDED}, {@code FAILED}, {@code MISSED},
 *     {@code SKIPPED}, {@code CANCELLED} or {@code TIMED_OUT}
 * @param releaseNumber the release its instance had when it was claimed
 * @param packageVersion the process's package version in that release
 * @param message what the runtime or the system said
 */
@Introspected
public record ProcessExecution(
        UUID id,
        UUID accountId,
        UUID integrationPackInstanceId,
        UUID componentId,
        String componentName,
        UUID environmentId,
        String trigger,
        int attempt,
        Instant scheduledFor,
        Instant queuedAt,
        @Nullable Instant claimedAt,
        @Nullable Instant startedAt,
        @Nullable Instant finishedAt,
        String status,
        @Nullable Integer releaseNumber,
        @Nullable String packageVersion,
        @Nullable String message) {}
