package io.packwright.api.managed;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.scheduling.TaskExecutors;
import io.packwright.activities.store.notify.DatabaseNotifications;
import io.packwright.activities.store.notify.NotificationChannel;
import io.packwright.activities.store.notify.Wake;
import io.packwright.api.auth.Caller;
import io.packwright.workflows.release.ManualApplySignal;
import io.packwright.workflows.release.ReleaseStatus;
import io.packwright.workflows.release.ReleaseWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applying the pending release to an instance during its testing period: the request is queued
 * durably, then the release's workflow is signalled and applies it; the caller gets the instance on
 * the new release when that happens within {@code packwright.instances.apply-wait}, else a 202 to
 * poll. A lost signal only delays the apply: the workflow finds queued requests on its own.
 *
 * <p>The wait holds no thread and no connection: whoever handles the request notifies its instance
 * ({@link NotificationChannel#APPLY_REQUEST_HANDLED}) when it commits, and the answer is computed
 * once that notification arrives or the wait ends, on the blocking executor. Before the wait only
 * whether the request is still queued is read (it may have been handled before the wait began);
 * the answer is computed once, after it.
 */
@Singleton
class PendingUpdates {

    private static final Logger LOG = LoggerFactory.getLogger(PendingUpdates.class);

    private final InstanceService instances;
    private final WorkflowClient client;
    private final DatabaseNotifications notifications;
    private final ExecutorService blocking;
    private final Duration wait;

    PendingUpdates(
            InstanceService instances,
            WorkflowClient client,
            DatabaseNotifications notifications,
            @Named(TaskExecutors.BLOCKING) ExecutorService blocking,
            @Value("${packwright.instances.apply-wait:2s}") Duration wait) {
        this.instances = instances;
        this.client = client;
        this.notifications = notifications;
        this.blocking = blocking;
        this.wait = wait;
    }

    /**
     * Queues the apply and answers once it is done or the wait is over: 200 with the instance on the
     * release, 202 while it is still being applied; the future fails with a 422 problem when the
     * instance turned out unable to take the release. Call it off the event loop.
     */
    CompletableFuture<HttpResponse<InstanceResponse>> apply(Caller caller, @Nullable UUID accountId, UUID id) {
        InstanceService.PendingUpdateRequest request = instances.requestPendingUpdate(caller, accountId, id);
        if (request.pending() == null) {
            return CompletableFuture.completedFuture(answer(request, id));
        }
        CompletableFuture<Wake> handled =
                notifications.await(NotificationChannel.APPLY_REQUEST_HANDLED, id.toString(), wait);
        try {
            if (request.pending().status() == ReleaseStatus.SCHEDULED) {
                signal(request, id);
            }
            // handled before the wait began (its notification may have come before we listened)
            if (!instances.stillQueued(request, id)) {
                handled.cancel(false);
                return CompletableFuture.completedFuture(answer(request, id));
            }
        } catch (RuntimeException e) {
            handled.cancel(false);
            throw e;
        }
        return handled.thenApplyAsync(wake -> answer(request, id), blocking);
    }

    private HttpResponse<InstanceResponse> answer(InstanceService.PendingUpdateRequest request, UUID id) {
        InstanceService.PendingUpdateProgress progress = instances.pendingUpdateProgress(request, id);
        return answer(progress);
    }

    private static HttpResponse<InstanceResponse> answer(InstanceService.PendingUpdateProgress progress) {
        if (progress.applied()) {
            return HttpResponse.ok(progress.instance());
        }
        if (progress.rejection() != null) {
            throw progress.rejection();
        }
        return stillApplying(progress.instance());
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
