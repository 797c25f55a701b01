package io.packwright.api.managed;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.packwright.api.auth.Caller;
import io.packwright.workflows.release.ManualApplySignal;
import io.packwright.workflows.release.ReleaseStatus;
import io.packwright.workflows.release.ReleaseWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applying the pending release to an instance during its testing period: the request is queued
 * durably, then the release's workflow is signalled and applies it; the caller gets the instance on
 * the new release when that happens within {@code packwright.instances.apply-wait}, else a 202 to
 * poll. A lost signal only delays the apply: the workflow finds queued requests on its own.
 */
@Singleton
class PendingUpdates {

    private static final Logger LOG = LoggerFactory.getLogger(PendingUpdates.class);
    private static final Duration POLL = Duration.ofMillis(40);

    private final InstanceService instances;
    private final WorkflowClient client;
    private final Duration wait;

    PendingUpdates(
            InstanceService instances,
            WorkflowClient client,
            @Value("${packwright.instances.apply-wait:2s}") Duration wait) {
        this.instances = instances;
        this.client = client;
        this.wait = wait;
    }

    HttpResponse<InstanceResponse> apply(Caller caller, @Nullable UUID accountId, UUID id) {
        InstanceService.PendingUpdateRequest request = instances.requestPendingUpdate(caller, accountId, id);
        if (request.pending() != null && request.pending().status() == ReleaseStatus.SCHEDULED) {
            signal(request, id);
        }
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            InstanceService.PendingUpdateProgress progress = instances.pendingUpdateProgress(request, id);
            if (progress.applied()) {
                return HttpResponse.ok(progress.instance());
            }
            if (progress.rejection() != null) {
                throw progress.rejection();
            }
            if (System.nanoTime() >= deadline) {
                return stillApplying(progress.instance());
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return stillApplying(progress.instance());
            }
        }
    }

    /** 202: the apply goes on; the instance's URL is where to see it land. */
    private static HttpResponse<InstanceResponse> stillApplying(InstanceResponse instance) {
        return HttpResponse.accepted()
                .header(HttpHeaders.LOCATION, "/api/v1/integration-pack-instances/" + instance.id())
                .body(instance);
    }

    private void signal(InstanceService.PendingUpdateRequest request, UUID id) {
        String workflowId = request.pending().workflowId();
        try {
            client.newWorkflowStub(ReleaseWorkflow.class, workflowId).manualApplyRequested(new ManualApplySignal(id));
        } catch (WorkflowNotFoundException notRunning) {
            LOG.info("release workflow {} is not running; its queued manual apply of {} waits for it", workflowId, id);
        } catch (RuntimeException e) {
            LOG.warn(
                    "could not signal release workflow {}; its queued manual apply of {} waits for it",
                    workflowId,
                    id,
                    e);
        }
    }
}
