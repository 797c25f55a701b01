package io.packwright.workflows.schedule;

import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.UUID;

/**
 * The schedule of one process of an instance in one environment, and the deadlines of that process's
 * executions there: it sleeps on a durable timer until the schedule's next fire or the next deadline,
 * records the fire, marks missed and timed-out runs and queues their retries. PostgreSQL holds the
 * schedule and the executions; the workflow holds the cursor. It ends when the lane has neither a
 * schedule nor open executions, and its history stays bounded by continue-as-new.
 *
 * <p>Its id is {@link #workflowId}: whoever changes the schedule or queues a run signals it with
 * {@link #changed}, starting it when it is not running (signal-with-start).
 */
@WorkflowInterface
public interface ProcessScheduleWorkflow {

    /** The readable, fixed workflow id of a process lane. */
    static String workflowId(UUID instanceId, UUID componentId, UUID environmentId) {
        return "process-" + instanceId + "-" + componentId + "-" + environmentId;
    }

    @WorkflowMethod
    void run(ProcessLane lane);

    /** The schedule or the executions of the lane changed: plan again. */
    @SignalMethod
    void changed();
}
