package io.packwright.workflows.release;

import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.UUID;

/**
 * One release of an integration pack, from creation to its terminal status. Started with the fixed
 * id {@link #workflowId} after the release row is written; PostgreSQL holds the release, its
 * progress and the per-instance ledger, the workflow only the orchestration (phase, cursors).
 *
 * <ul>
 *   <li>{@code IMMEDIATELY}: applied to every instance at once, then {@code RELEASED}.
 *   <li>{@code RELEASE_ON_SPECIFIED_DATE}: waits for {@code windowStart} on a durable timer while
 *       applying manual applies as they are requested, then becomes current and is applied to every
 *       instance that does not have it, then {@code RELEASED}.
 *   <li>Staged rollouts: wave by wave, soaking between waves, paused by its failure gate.
 *   <li>Control: a paused release waits to be resumed; a cancelled or aborted one puts back what it
 *       applied (ledger {@code REVERTED}) before it ends; a rescheduled one waits for its new window.
 *   <li>Cancellation (superseded, pack deleted): applies nothing more and makes sure the release is
 *       terminal in a detached cancellation scope.
 * </ul>
 */
@WorkflowInterface
public interface ReleaseWorkflow {

    /** The readable, fixed workflow id of release {@code releaseNumber} of a pack. */
    static String workflowId(UUID integrationPackId, int releaseNumber) {
        return "integration-pack-" + integrationPackId + "-release-" + releaseNumber;
    }

    @WorkflowMethod
    ReleaseWorkflowResult run(ReleaseWorkflowInput input);

    /** Wakes the workflow to apply queued manual applies; see {@link ManualApplySignal}. */
    @SignalMethod
    void manualApplyRequested(ManualApplySignal signal);

    /**
     * Wakes the workflow after the api changed the release's control state in PostgreSQL (reschedule,
     * cancel, pause, resume, promote, abort); the workflow reads that state with {@link
     * ReleaseActivities#readControl}. The row is the truth: a lost signal costs time, never a wrong
     * action (a paused or aborted release applies nothing whether or not its workflow heard of it).
     */
    @SignalMethod
    void controlChanged();
}
