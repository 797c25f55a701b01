package io.packwright.workflows.schedule;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One process of an instance in one environment it is attached to: what a process schedule and the
 * executions of that process there belong to, and what one {@link ProcessScheduleWorkflow} watches.
 *
 * @param instanceId the instance
 * @param componentId the process
 * @param environmentId the environment
 * @param cursor the last fire instant handled (exclusive bound of the next one); {@code null} on a
 *     workflow's first run, which starts from its start time
 */
public record ProcessLane(UUID instanceId, UUID componentId, UUID environmentId, Instant cursor) {

    public ProcessLane {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(componentId, "componentId");
        Objects.requireNonNull(environmentId, "environmentId");
    }

    /** The same lane, handled up to {@code next}. */
    public ProcessLane at(Instant next) {
        return new ProcessLane(instanceId, componentId, environmentId, next);
    }
}
