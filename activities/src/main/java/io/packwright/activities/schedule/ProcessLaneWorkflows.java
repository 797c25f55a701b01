package io.packwright.activities.schedule;

import io.packwright.workflows.TaskQueues;
import io.packwright.workflows.schedule.ProcessLane;
import io.packwright.workflows.schedule.ProcessScheduleWorkflow;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way to reach the workflow of a process lane ({@link ProcessScheduleWorkflow}): the api
 * {@link #changed signals} it after every change of the lane's schedule or executions, starting it
 * when it is not running; the worker's reconciler {@link #start starts} the workflow of every live
 * lane that lost it (a crash between a change and its signal, a Temporal that lost its state). Both
 * are idempotent: the workflow id is fixed, and a running workflow is never started twice.
 */
@Singleton
public class ProcessLaneWorkflows {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessLaneWorkflows.class);

    private final WorkflowClient client;

    ProcessLaneWorkflows(WorkflowClient client) {
        this.client = client;
    }

    /**
     * Signals (or starts) the lane's workflow after a change committed; a failure is logged, never
     * thrown at the caller: the rows are the truth and the reconciler catches up.
     *
     * @param lane the lane, with the instant of the change as its cursor when the change may make it
     *     fire (a schedule written): a workflow that this call starts plans from that instant, so a
     *     fire that falls between the change and the workflow's start is not missed; {@code null}
     *     plans from the workflow's start
     */
    public void changed(ProcessLane lane) {
        String workflowId = workflowId(lane);
        try {
            ProcessScheduleWorkflow workflow =
                    client.newWorkflowStub(ProcessScheduleWorkflow.class, options(workflowId));
            BatchRequest request = client.newSignalWithStartRequest();
            request.add(workflow::run, lane);
            request.add(workflow::changed);
            client.signalWithStart(request);
        } catch (RuntimeException e) {
            LOG.warn("could not signal process schedule workflow {}; the reconciler will start it", workflowId, e);
        }
    }

    /**
     * Starts the lane's workflow unless it is running.
     *
     * @return whether this call started it
     * @throws io.temporal.client.WorkflowServiceException when Temporal cannot be reached
     */
    public boolean start(ProcessLane lane) {
        String workflowId = workflowId(lane);
        ProcessScheduleWorkflow workflow = client.newWorkflowStub(ProcessScheduleWorkflow.class, options(workflowId));
        try {
            WorkflowClient.start(workflow::run, lane.at(null));
            LOG.info("started process schedule workflow {}", workflowId);
            return true;
        } catch (WorkflowExecutionAlreadyStarted running) {
            return false;
        }
    }

    private static String workflowId(ProcessLane lane) {
        return ProcessScheduleWorkflow.workflowId(lane.instanceId(), lane.componentId(), lane.environmentId());
    }

    private static WorkflowOptions options(String workflowId) {
        return WorkflowOptions.newBuilder()
                .setWorkflowId(workflowId)
                .setTaskQueue(TaskQueues.RELEASES)
                .setStaticSummary("Process schedule " + workflowId)
                .build();
    }
}
