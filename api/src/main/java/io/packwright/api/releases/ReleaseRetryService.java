package io.packwright.api.releases;

import io.grpc.Context;
import io.grpc.Deadline;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.transaction.TransactionOperations;
import io.packwright.activities.release.ReleaseTuningProperties;
import io.packwright.activities.store.release.ReleaseRecord;
import io.packwright.activities.store.release.ReleaseStore;
import io.packwright.api.auth.Caller;
import io.packwright.api.auth.Tenancy;
import io.packwright.api.problem.ApiException;
import io.packwright.workflows.TaskQueues;
import io.packwright.workflows.release.ReleaseRetryInput;
import io.packwright.workflows.release.ReleaseRetryWorkflow;
import io.packwright.workflows.release.ReleaseStatus;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowServiceException;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code retry-failed}: applies a release again to the instances it failed on, in its retry workflow
 * ({@link ReleaseRetryWorkflow}). Nothing is written before the workflow starts, so the request is
 * all or nothing: either the workflow runs (Temporal keeps it across crashes of any process) or the
 * answer is {@code 503} and nothing changed. A retry of the release that is running already is
 * joined, not started twice.
 *
 * <p>No transaction spans the call to Temporal (the release is read in short read-only transactions
 * before and after it): a slow or unreachable Temporal holds no database connection, only this
 * request's thread, for at most {@link #START_DEADLINE}.
 */
@Singleton
public class ReleaseRetryService {

    /** How long starting the workflow may take (the SDK's own retries included) before the answer is 503. */
    static final Duration START_DEADLINE = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(ReleaseRetryService.class);

    private final ReleaseStore releases;
    private final TransactionOperations<Connection> transactions;
    private final Tenancy tenancy;
    private final WorkflowClient client;
    private final ReleaseTuningProperties tuning;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;

    ReleaseRetryService(
            ReleaseStore releases,
            TransactionOperations<Connection> transactions,
            Tenancy tenancy,
            WorkflowClient client,
            ReleaseTuningProperties tuning,
            @Named(TaskExecutors.SCHEDULED) ExecutorService scheduled,
            Clock clock) {
        this.releases = releases;
        this.transactions = transactions;
        this.tenancy = tenancy;
        this.client = client;
        this.tuning = tuning;
        // Micronaut exposes its scheduled executor as an ExecutorService; gRPC's deadline timer needs
        // it as what it is
        if (!(scheduled instanceof ScheduledExecutorService scheduler)) {
            throw new IllegalStateException("the '" + TaskExecutors.SCHEDULED + "' executor is not a"
                    + " ScheduledExecutorService: " + scheduled.getClass().getName());
        }
        this.scheduler = scheduler;
        this.clock = clock;
    }

    /**
     * Starts (or joins) the retry of one of the partner's releases: {@code 404} for a release of
     * another tenant, {@code 409} unless it is {@link ReleaseStatus#retriesFailed() retriable},
     * {@code 503} when Temporal cannot be reached.
     *
     * @return the release as it is now
     */
    public ReleaseResponse retryFailed(Caller caller, UUID releaseId) {
        UUID partner = tenancy.packManager(caller);
        ReleaseRecord release = find(partner, releaseId);
        if (!release.status().retriesFailed()) {
            throw notRetriable(release);
        }
        start(release);
        return ReleaseResponse.of(find(partner, releaseId));
    }

    private void start(ReleaseRecord release) {
        String workflowId = ReleaseRetryWorkflow.workflowId(release.integrationPackId(), release.releaseNumber());
        ReleaseRetryWorkflow workflow = client.newWorkflowStub(
                ReleaseRetryWorkflow.class,
                WorkflowOptions.newBuilder()
                        .setWorkflowId(workflowId)
                        .setTaskQueue(TaskQueues.RELEASES)
                        // a retry that ended, however it ended, does not stop the next one
                        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
                        .setStaticSummary("Retry of the failed instances of release " + release.releaseNumber() + " of "
                                + release.packName())
                        .setStaticDetails("**Release** " + release.releaseNumber() + " (`" + release.id()
                                + "`) of integration pack " + release.packName() + " (`" + release.integrationPackId()
                                + "`)\n\nThe ledger: `GET /api/v1/releases/" + release.id()
                                + "/instances?status=FAILED`")
                        .build());
        ReleaseRetryInput input = new ReleaseRetryInput(
                release.id(),
                release.integrationPackId(),
                release.releaseNumber(),
                clock.instant(),
                tuning.toTuning(),
                null);
        // the SDK retries an unreachable server for a minute; the deadline bounds that, too
        Context.CancellableContext bounded = Context.current()
                .withDeadline(Deadline.after(START_DEADLINE.toMillis(), TimeUnit.MILLISECONDS), scheduler);
        try {
            bounded.run(() -> WorkflowClient.start(workflow::run, input));
            LOG.info("started release retry workflow {}", workflowId);
        } catch (WorkflowExecutionAlreadyStarted running) {
            LOG.debug("release retry workflow {} is already running; the request joins it", workflowId);
        } catch (WorkflowServiceException e) {
            LOG.warn("could not start release retry workflow {}", workflowId, e);
            throw ApiException.unavailable(
                    "The retry of release " + release.releaseNumber() + " could not be started: the workflow service"
                            + " is unreachable. Nothing was changed; send the request again later.",
                    Duration.ofSeconds(30));
        } finally {
            bounded.cancel(null);
        }
    }

    private ReleaseRecord find(UUID partner, UUID releaseId) {
        return transactions
                .executeRead(status -> releases.find(partner, releaseId))
                .orElseThrow(() -> ApiException.notFound("No release " + releaseId + " of your integration packs."));
    }

    private static ApiException notRetriable(ReleaseRecord release) {
        String what = "Release " + release.releaseNumber() + " of integration pack " + release.integrationPackId()
                + " is " + release.status() + "; only a release that is IN_PROGRESS, PAUSED or RELEASED can retry its"
                + " failed instances. ";
        String next = switch (release.status()) {
            case SCHEDULED ->
                "A scheduled release fails no instance before its window (" + release.windowStart()
                        + "); retry once its window has opened.";
            case SUPERSEDED ->
                "A newer release superseded it: retry the failed instances of the pack's current release"
                        + " (GET /api/v1/integration-packs/" + release.integrationPackId() + " names it).";
            default ->
                "It was stopped and applies nothing more; to apply its packages again, create a new release"
                        + " with \"contentOf\": " + release.releaseNumber() + ".";
        };
        return ApiException.conflict(what + next);
    }
}
