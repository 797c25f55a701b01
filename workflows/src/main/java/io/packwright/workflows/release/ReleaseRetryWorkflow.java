package io.packwright.workflows.release;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.UUID;

/**
 * A partner's {@code retry-failed} of one release: applies the release again, in instance order and
 * in batches, to the instances whose ledger row for it was {@code FAILED} when the retry was asked
 * for (ledger mode {@code RETRY}, {@code attempts} counted). An instance that still cannot take it
 * stays {@code FAILED} with the new reason. Ends when every such instance was tried, or at once when
 * the release stops being retriable ({@link ReleaseStatus#retriesFailed()}: aborted, cancelled,
 * superseded). PostgreSQL holds the ledger; the workflow only the cursor and its counters.
 *
 * <p>Started by the api with the fixed id {@link #workflowId}: a request while a retry of the release
 * runs joins it, a request after it ended starts a new one.
 */
@WorkflowInterface
public interface ReleaseRetryWorkflow {

    /** The readable, fixed workflow id of the retry of release {@code releaseNumber} of a pack. */
    static String workflowId(UUID integrationPackId, int releaseNumber) {
        return ReleaseWorkflow.workflowId(integrationPackId, releaseNumber) + "-retry";
    }

    @WorkflowMethod
    ReleaseRetryResult run(ReleaseRetryInput input);
}
