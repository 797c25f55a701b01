package io.packwright.workflows.release;

import io.packwright.workflows.release.ReleaseRetryActivities.RetryFailedInput;
import io.packwright.workflows.release.ReleaseRetryActivities.RetryFailedResult;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;

/**
 * The retry workflow: one {@link ReleaseRetryActivities#retryFailed} call of up to {@link
 * ReleaseTuning#batchesPerActivity} batches at a time, the cursor carried from call to call and
 * across continue-as-new once the history is longer than {@link ReleaseTuning#maxHistoryEvents}.
 * Sequential: a retry touches only the instances that failed, a small share of the install base.
 */
public class ReleaseRetryWorkflowImpl implements ReleaseRetryWorkflow {

    /** Unlimited attempts: an outage of PostgreSQL delays a retry, it must not fail it. */
    private static final RetryOptions RETRY = RetryOptions.newBuilder()
            .setInitialInterval(Duration.ofSeconds(1))
            .setBackoffCoefficient(2)
            .setMaximumInterval(Duration.ofMinutes(1))
            .setDoNotRetry(
                    Arrays.stream(ReleaseFailureType.values()).map(Enum::name).toArray(String[]::new))
            .build();

    /** As the release workflow's batches: a worker that dies mid-call is noticed after the heartbeat timeout. */
    private static final ActivityOptions BATCHES = ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofMinutes(10))
            .setHeartbeatTimeout(Duration.ofSeconds(30))
            .setRetryOptions(RETRY)
            .build();

    private ReleaseRetryInput input;
    private UUID after;
    private long applied;
    private long failed;
    private int runs;

    @Override
    public ReleaseRetryResult run(ReleaseRetryInput input) {
        this.input = input;
        ReleaseRetryInput.CarryOver carried = input.carryOver();
        if (carried != null) {
            after = carried.after();
            applied = carried.applied();
            failed = carried.failed();
            runs = carried.runs();
        }
        ReleaseTuning tuning = input.tuning();
        while (true) {
            describe("Retrying the instances that failed");
            RetryFailedResult result = Workflow.newActivityStub(
                            ReleaseRetryActivities.class,
                            BATCHES.toBuilder()
                                    .setSummary("retry failed instances after "
                                            + (after == null ? "the start" : after.toString()))
                                    .build())
                    .retryFailed(new RetryFailedInput(
                            input.releaseId(),
                            input.failedBefore(),
                            after,
                            tuning.batchSize(),
                            tuning.batchesPerActivity()));
            after = result.after();
            applied += result.applied();
            failed += result.failed();
            if (!result.status().retriesFailed() || result.done()) {
                describe("Ended: the release is " + result.status());
                return new ReleaseRetryResult(result.status(), applied, failed);
            }
            if (historyTooLong()) {
                describe("Continuing as new");
                Workflow.continueAsNew(
                        input.continuedWith(new ReleaseRetryInput.CarryOver(after, applied, failed, runs + 1)));
            }
        }
    }

    private boolean historyTooLong() {
        WorkflowInfo info = Workflow.getInfo();
        return info.getHistoryLength() > input.tuning().maxHistoryEvents() || info.isContinueAsNewSuggested();
    }

    private void describe(String headline) {
        Workflow.setCurrentDetails("**" + headline + "**\n\nRelease " + input.releaseNumber() + " (`"
                + input.releaseId() + "`), failed before " + input.failedBefore() + "\n\nApplied " + applied
                + ", still failing " + failed + " (this retry's count; the ledger is in PostgreSQL)\n\nRun "
                + (runs + 1) + ", updated " + Instant.ofEpochMilli(Workflow.currentTimeMillis()));
    }
}
