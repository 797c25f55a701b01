package io.packwright.api.executions;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.packwright.activities.store.schedule.ProcessExecution;
import java.time.Instant;
import java.util.UUID;

/**
 * One run of a process of an instance in an environment.
 *
 * @param id the execution
 * @param integrationPackInstanceId the instance
 * @param componentId the process
 * @param componentName its name when the run was queued
 * @param environmentId the environment it runs in
 * @param trigger {@code SCHEDULE}, {@code MANUAL} (run now) or {@code RETRY}
 * @param attempt 1 for a first run, one more per retry
 * @param scheduledFor when it was due
 * @param queuedAt when it was recorded
 * @param claimedAt when a runtime claimed it
 * @param startedAt when the runtime says it started
 * @param finishedAt when it ended
 * @param status {@code QUEUED}, {@code CLAIMED}, {@code SUCCEEDED}, {@code FAILED}, {@code MISSED}
 *     (no runtime claimed it within the start deadline), {@code SKIPPED} (overlap policy), {@code
 *     CANCELLED} or {@code TIMED_OUT} (its runtime stopped heartbeating)
 * @param releaseNumber the release its instance had when it was claimed
 * @param packageVersion the process's package version in that release
 * @param message what the runtime or the system said
 */
@Serdeable
public record ExecutionResponse(
        UUID id,
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
        @Nullable String message) {

    /** The response of a stored execution. */
    public static ExecutionResponse of(ProcessExecution execution) {
        return new ExecutionResponse(
                execution.id(),
                execution.integrationPackInstanceId(),
                execution.componentId(),
                execution.componentName(),
                execution.environmentId(),
                execution.trigger(),
                execution.attempt(),
                execution.scheduledFor(),
                execution.queuedAt(),
                execution.claimedAt(),
                execution.startedAt(),
                execution.finishedAt(),
                execution.status(),
                execution.releaseNumber(),
                execution.packageVersion(),
                execution.message());
    }
}
