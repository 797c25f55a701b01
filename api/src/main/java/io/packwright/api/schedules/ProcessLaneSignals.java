package io.packwright.api.schedules;

import io.packwright.workflows.TaskQueues;
import io.packwright.workflows.schedule.ProcessLane;
import io.packwright.workflows.schedule.ProcessScheduleWorkflow;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import jakarta.inject.Singleton;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the workflow of a process lane that its schedule or its executions changed, starting it when
 * it is not running (signal-with-start). Called after the change committed: the rows are the truth,
 * and a lost signal costs latency until the worker's reconciler starts or wakes the workflow.
 */
@Singleton
public class ProcessLaneSignals {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessLaneSignals.class);

    private final WorkflowClient client;

    ProcessLaneSignals(WorkflowClient client) {
        this.client = client;
    }

    /** Signals (or starts) the lane's workflow; a failure is logged, never thrown at the caller. */
    public void changed(UUID instanceId, UUID componentId, UUID environmentId) {
        String workflowId = ProcessScheduleWorkflow.workflowId(instanceId, componentId, environmentId);
        try {
            ProcessScheduleWorkflow workflow = client.newWorkflowStub(
                    ProcessScheduleWorkflow.class,
                    WorkflowOptions.newBuilder()
                            .setWorkflowId(workflowId)
                            .setTaskQueue(TaskQueues.RELEASES)
                            .build());
            BatchRequest request = client.newSignalWithStartRequest();
            request.add(workflow::run, new ProcessLane(instanceId, componentId, environmentId, null));
            request.add(workflow::changed);
            client.signalWithStart(request);
        } catch (RuntimeException e) {
            LOG.warn("could not signal process schedule workflow {}; the reconciler will", workflowId, e);
        }
    }
}
