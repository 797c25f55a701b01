package io.packwright.workflows;

import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;

/**
 * How a worker of the {@link TaskQueues#RELEASES} queue is sized: one place for the Temporal options
 * that the worker process builds from its settings ({@code packwright.worker.*}) and that the
 * benchmarks use, so that what is measured is what runs.
 *
 * <p>The workflow cache keeps a workflow's state between its tasks, so that a task replays nothing;
 * a workflow evicted from it replays its whole history at its next task. Every process lane is a
 * workflow that wakes at least once a minute, so the cache must hold all of a worker's lanes: with
 * the SDK's 600, a thousand schedules firing at the same minute evicted each other and every fire
 * replayed up to a thousand events. A cached workflow holds a workflow thread, so there are at least
 * as many threads as cache entries.
 *
 * @param maxConcurrentActivityExecutions activity tasks run at once
 * @param maxConcurrentWorkflowTaskExecutions workflow tasks run at once
 * @param workflowCacheSize workflows whose state stays in memory between their tasks
 * @param maxWorkflowThreads threads that run and park workflow code; at least {@code workflowCacheSize}
 * @param stickyExecution whether a workflow's tasks go preferably to the worker that holds it in its
 *     cache (off, the cache is of no use and every task replays the history)
 */
public record WorkerTuning(
        int maxConcurrentActivityExecutions,
        int maxConcurrentWorkflowTaskExecutions,
        int workflowCacheSize,
        int maxWorkflowThreads,
        boolean stickyExecution) {

    /** The defaults, as text for the worker's configuration annotations. */
    public static final String DEFAULT_MAX_CONCURRENT_ACTIVITY_EXECUTIONS = "16";

    public static final String DEFAULT_MAX_CONCURRENT_WORKFLOW_TASK_EXECUTIONS = "50";
    public static final String DEFAULT_WORKFLOW_CACHE_SIZE = "2000";
    public static final String DEFAULT_MAX_WORKFLOW_THREADS = "2000";

    /**
     * @throws IllegalArgumentException when a size is not positive, or there are fewer workflow
     *     threads than cache entries
     */
    public WorkerTuning {
        positive("max-concurrent-activity-executions", maxConcurrentActivityExecutions);
        positive("max-concurrent-workflow-task-executions", maxConcurrentWorkflowTaskExecutions);
        positive("workflow-cache-size", workflowCacheSize);
        positive("max-workflow-threads", maxWorkflowThreads);
        if (maxWorkflowThreads < workflowCacheSize) {
            throw new IllegalArgumentException("packwright.worker.max-workflow-threads (" + maxWorkflowThreads
                    + ") must be at least packwright.worker.workflow-cache-size (" + workflowCacheSize
                    + "): every cached workflow holds a workflow thread");
        }
    }

    /** The worker process's defaults, sticky. */
    public static WorkerTuning defaults() {
        return new WorkerTuning(
                Integer.parseInt(DEFAULT_MAX_CONCURRENT_ACTIVITY_EXECUTIONS),
                Integer.parseInt(DEFAULT_MAX_CONCURRENT_WORKFLOW_TASK_EXECUTIONS),
                Integer.parseInt(DEFAULT_WORKFLOW_CACHE_SIZE),
                Integer.parseInt(DEFAULT_MAX_WORKFLOW_THREADS),
                true);
    }

    /** The options of the worker factory: its cache and threads, shared by its workers. */
    public WorkerFactoryOptions factoryOptions() {
        return WorkerFactoryOptions.newBuilder()
                .setWorkflowCacheSize(workflowCacheSize)
                .setMaxWorkflowThreadCount(maxWorkflowThreads)
                .build();
    }

    /** The options of the worker of the releases queue. */
    public WorkerOptions workerOptions() {
        WorkerOptions.Builder options = WorkerOptions.newBuilder()
                .setMaxConcurrentActivityExecutionSize(maxConcurrentActivityExecutions)
                .setMaxConcurrentWorkflowTaskExecutionSize(maxConcurrentWorkflowTaskExecutions);
        if (!stickyExecution) {
            // the SDK asks for no sticky queue when this timeout is zero
            options.setStickyQueueScheduleToStartTimeout(Duration.ZERO);
        }
        return options.build();
    }

    private static void positive(String setting, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException("packwright.worker." + setting + " must be positive, not " + value);
        }
    }
}
