package io.packwright.worker;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.time.Duration;

/**
 * Capacity and shutdown of this process's Temporal worker, {@code packwright.worker.*}
 * (environment: {@code PACKWRIGHT_WORKER_MAX_CONCURRENT_ACTIVITY_EXECUTIONS}, ...). Capacity is per
 * process; throughput scales by running more worker processes.
 *
 * @param maxConcurrentActivityExecutions activity tasks run at once; each holds a database
 *     connection while it applies a batch, so keep it below the datasource pool size
 * @param maxConcurrentWorkflowTaskExecutions workflow tasks (CPU only, short) run at once
 * @param shutdownGracePeriod how long a stopping worker waits for in-flight tasks before it
 *     interrupts them
 */
@ConfigurationProperties("packwright.worker")
record WorkerProperties(
        @Bindable(defaultValue = "16") @Positive int maxConcurrentActivityExecutions,
        @Bindable(defaultValue = "50") @Positive int maxConcurrentWorkflowTaskExecutions,
        @Bindable(defaultValue = "30s") @NotNull Duration shutdownGracePeriod) {}
