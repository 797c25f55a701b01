package io.packwright.worker;

import io.packwright.workflows.release.ManualApplySignal;
import io.packwright.workflows.release.ReleaseStatus;
import io.packwright.workflows.release.ReleaseWorkflow;
import io.packwright.workflows.release.ReleaseWorkflowInput;
import io.packwright.workflows.release.ReleaseWorkflowResult;
import io.temporal.workflow.Workflow;

/**
 * A stand-in for the real release workflow, which lives on another branch: it runs until it is
 * cancelled, or completes when signalled, and touches no database. Enough for the reconciler's
 * tests, which only care whether a release has a workflow.
 */
public class AwaitingReleaseWorkflowImpl implements ReleaseWorkflow {

    private boolean completeRequested;

    @Override
    public ReleaseWorkflowResult run(ReleaseWorkflowInput input) {
        Workflow.await(() -> completeRequested);
        return new ReleaseWorkflowResult(ReleaseStatus.RELEASED, 0, 0);
    }

    @Override
    public void manualApplyRequested(ManualApplySignal signal) {
        completeRequested = true;
    }

    @Override
    public void controlChanged() {
        completeRequested = true;
    }
}
