package io.packwright.worker;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.bind.annotation.Bindable;
import io.packwright.workflows.WorkerTuning;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.time.Duration;

/**
 * Capacity, shutdown and background duties of this process's Temporal worker, {@code
 * packwright.worker.*} (environment: {@code PACKWRIGHT_WORKER_MAX_CONCURRENT_ACTIVITY_EXECUTIONS},
 * ...). Capacity is per process; throughput scales by running more worker processes.
 *
 * @param maxConcurrentActivityExecutions activity tasks run at once; each holds a database
 *     connection while it applies a batch, so keep it below the datasource pool size
 * @param maxConcurrentWorkflowTaskExecutions workflow tasks (CPU only, short) run at once
 * @param workflowCacheSize workflows whose state the worker keeps between their tasks; keep it above
 *     the process lanes and open releases one worker holds, or their tasks replay whole histories
 *     ({@link WorkerTuning})
 * @param maxWorkflowThreads threads for workflow code, at least {@code workflowCacheSize} (a cached
 *     workflow holds one)
 * @param shutdownGracePeriod how long a stopping worker waits for in-flight tasks before it
 *     interrupts them
 * @param reconcileInterval how long {@link ReleaseReconciler} waits between the end of one pass over
 *     the open releases and the start of the next (the first pass runs at start-up)
 * @param registerSearchAttributes whether the worker registers the release search attributes on
 *     its namespace before every pass of the reconciler (a Temporal that lost its state lost them
 *     too); turn it off where the deploy script registers them and the worker's credentials may not
 *     call Temporal's operator service
 * @param stickyExecution whether workflow tasks of a workflow go preferably to the worker that ran
 *     its previous task (Temporal's sticky queues, which spare a replay of the history). A real
 *     Temporal server hands the tasks to another worker five seconds after that worker died; the
 *     Java test server of the embedded stack never does, so the stack turns this off and a killed
 *     worker strands no workflow
 */
@ConfigurationProperties("packwright.worker")
record WorkerProperties(
        @Bindable(defaultValue = WorkerTuning.DEFAULT_MAX_CONCURRENT_ACTIVITY_EXECUTIONS) @Positive
        int maxConcurrentActivityExecutions,

        @Bindable(defaultValue = WorkerTuning.DEFAULT_MAX_CONCURRENT_WORKFLOW_TASK_EXECUTIONS) @Positive
        int maxConcurrentWorkflowTaskExecutions,

        @Bindable(defaultValue = WorkerTuning.DEFAULT_WORKFLOW_CACHE_SIZE) @Positive
        int workflowCacheSize,

        @Bindable(defaultValue = WorkerTuning.DEFAULT_MAX_WORKFLOW_THREADS) @Positive
        int maxWorkflowThreads,

        @Bindable(defaultValue = "30s") @NotNull Duration shutdownGracePeriod,
        @Bindable(defaultValue = "1m") @NotNull Duration reconcileInterval,
        @Bindable(defaultValue = "true") boolean registerSearchAttributes,
        @Bindable(defaultValue = "true") boolean stickyExecution) {

    /**
     * @throws ConfigurationException when the reconcile interval is not positive, or there are fewer
     *     workflow threads than cache entries
     */
    WorkerProperties {
        try {
            new WorkerTuning(
                    maxConcurrentActivityExecutions,
                    maxConcurrentWorkflowTaskExecutions,
                    workflowCacheSize,
                    maxWorkflowThreads,
                    stickyExecution);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(e.getMessage());
        }
        if (reconcileInterval != null && (reconcileInterval.isZero() || reconcileInterval.isNegative())) {
            throw new ConfigurationException(
                    "packwright.worker.reconcile-interval (PACKWRIGHT_WORKER_RECONCILE_INTERVAL) must be positive, not "
                            + reconcileInterval);
        }
    }

    /** The Temporal options these settings give. */
    WorkerTuning tuning() {
        return new WorkerTuning(
                maxConcurrentActivityExecutions,
                maxConcurrentWorkflowTaskExecutions,
                workflowCacheSize,
                maxWorkflowThreads,
                stickyExecution);
    }
}
