package io.packwright.activities.release;

import io.packwright.workflows.TaskQueues;
import io.packwright.workflows.release.ReleaseSearchAttributes;
import io.packwright.workflows.release.ReleaseStatus;
import io.packwright.workflows.release.ReleaseWorkflow;
import io.packwright.workflows.release.ReleaseWorkflowInput;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.SearchAttributes;
import jakarta.inject.Singleton;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the workflow of a release row: the one way to do it, used by the api right after it wrote
 * the row and by the reconciler for every open release whose workflow is missing. Starting is
 * idempotent: a workflow that already runs under the release's id is left alone.
 *
 * <p>A release's workflow id is started again only after a run that did not complete (failed,
 * terminated, cancelled, timed out): a run that completed has made its release terminal, so a
 * reconciler that read the row as open just before that must not start a second run of it.
 */
@Singleton
public class ReleaseWorkflowStarter {

    private static final Logger LOG = LoggerFactory.getLogger(ReleaseWorkflowStarter.class);

    private final WorkflowClient client;
    private final ReleaseTuningProperties tuning;

    ReleaseWorkflowStarter(WorkflowClient client, ReleaseTuningProperties tuning) {
        this.client = client;
        this.tuning = tuning;
    }

    /**
     * Starts the release's workflow unless it is already running or has completed.
     *
     * @return whether this call started it
     * @throws io.temporal.client.WorkflowServiceException when Temporal cannot be reached; the row
     *     stays and the reconciler starts the workflow later
     */
    public boolean start(StartableRelease release, ReleaseStatus status) {
        ReleaseWorkflow workflow = client.newWorkflowStub(ReleaseWorkflow.class, options(release, status));
        try {
            WorkflowClient.start(workflow::run, input(release));
            LOG.info("started release workflow {}", release.workflowId());
            return true;
        } catch (WorkflowExecutionAlreadyStarted running) {
            LOG.debug("release workflow {} is already running or has completed", release.workflowId());
            return false;
        }
    }

    private ReleaseWorkflowInput input(StartableRelease release) {
        return new ReleaseWorkflowInput(
                release.releaseId(),
                release.integrationPackId(),
                release.partnerAccountId(),
                release.releaseNumber(),
                release.schedule(),
                release.windowStart(),
                release.windowEnd(),
                tuning.toTuning(),
                null);
    }

    private static WorkflowOptions options(StartableRelease release, ReleaseStatus status) {
        SearchAttributes.Builder attributes = SearchAttributes.newBuilder()
                .set(
                        ReleaseSearchAttributes.PACK_ID,
                        release.integrationPackId().toString())
                .set(
                        ReleaseSearchAttributes.PARTNER_ACCOUNT_ID,
                        release.partnerAccountId().toString())
                .set(ReleaseSearchAttributes.RELEASE_NUMBER, (long) release.releaseNumber())
                .set(ReleaseSearchAttributes.SCHEDULE, release.schedule().name())
                .set(ReleaseSearchAttributes.STATUS, status.name());
        if (release.windowStart() != null) {
            attributes.set(
                    ReleaseSearchAttributes.WINDOW_START, release.windowStart().atOffset(ZoneOffset.UTC));
        }
        return WorkflowOptions.newBuilder()
                .setWorkflowId(release.workflowId())
                .setTaskQueue(TaskQueues.RELEASES)
                .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY)
                .setTypedSearchAttributes(attributes.build())
                .setStaticSummary(summary(release))
                .setStaticDetails(details(release))
                .build();
    }

    private static String summary(StartableRelease release) {
        return switch (release.schedule()) {
            case IMMEDIATELY -> "Release " + release.releaseNumber() + " of " + release.packName() + ", immediately";
            case RELEASE_ON_SPECIFIED_DATE ->
                "Release " + release.releaseNumber() + " of " + release.packName() + ", window from "
                        + release.windowStart();
        };
    }

    private static String details(StartableRelease release) {
        StringBuilder details = new StringBuilder()
                .append("**Integration pack** ")
                .append(release.packName())
                .append(" (`")
                .append(release.integrationPackId())
                .append("`)\n\n**Partner account** `")
                .append(release.partnerAccountId())
                .append("`\n\n**Release** ")
                .append(release.releaseNumber())
                .append(" (`")
                .append(release.releaseId())
                .append("`), ")
                .append(release.schedule());
        if (release.windowStart() != null) {
            details.append("\n\n**Window** ")
                    .append(release.windowStart())
                    .append(" to ")
                    .append(release.windowEnd());
        }
        return details.append("\n\nProgress and the per-instance ledger: `GET /api/v1/releases/")
                .append(release.releaseId())
                .append("`")
                .toString();
    }
}
