package io.packwright.api.runtime;

import io.micronaut.http.HttpResponse;
import io.micronaut.scheduling.TaskExecutors;
import io.packwright.activities.schedule.ExecutionProperties;
import io.packwright.activities.schedule.ProcessLaneWorkflows;
import io.packwright.activities.store.notify.DatabaseNotifications;
import io.packwright.activities.store.notify.NotificationChannel;
import io.packwright.activities.store.notify.Wake;
import io.packwright.activities.store.runtime.RuntimeIdentity;
import io.packwright.activities.store.schedule.ProcessExecution;
import io.packwright.activities.store.schedule.ProcessExecutionStore;
import io.packwright.api.executions.ExecutionResponse;
import io.packwright.api.problem.ApiException;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * The runtime side of process executions: claims (with a long-poll that wakes on {@link
 * NotificationChannel#EXECUTIONS_QUEUED}, holding no thread and no connection while it waits, like
 * the desired state's), heartbeats and results. An execution belongs to the runtimes of its
 * environment; a claim belongs to the runtime that made it.
 */
@Singleton
class RuntimeExecutions {

    private final ProcessExecutionStore store;
    private final DesiredStateService states;
    private final DatabaseNotifications notifications;
    private final ProcessLaneWorkflows lanes;
    private final ExecutionProperties properties;
    private final ExecutorService blocking;
    private final Clock clock;

    RuntimeExecutions(
            ProcessExecutionStore store,
            DesiredStateService states,
            DatabaseNotifications notifications,
            ProcessLaneWorkflows lanes,
            ExecutionProperties properties,
            @Named(TaskExecutors.BLOCKING) ExecutorService blocking,
            Clock clock) {
        this.store = store;
        this.states = states;
        this.notifications = notifications;
        this.lanes = lanes;
        this.properties = properties;
        this.blocking = blocking;
        this.clock = clock;
    }

    /** Claims due executions, waiting up to {@code waitSeconds} for one. Call it off the event loop. */
    CompletableFuture<HttpResponse<ClaimResponse>> claim(RuntimeIdentity runtime, ClaimRequest request) {
        int max = request == null || request.max() == null ? 1 : request.max();
        int waitSeconds = request == null || request.waitSeconds() == null ? 0 : request.waitSeconds();
        long deadline = System.nanoTime() + Duration.ofSeconds(waitSeconds).toNanos();
        return poll(runtime, max, deadline);
    }

    private CompletableFuture<HttpResponse<ClaimResponse>> poll(RuntimeIdentity runtime, int max, long deadline) {
        long left = deadline - System.nanoTime();
        CompletableFuture<Wake> woken = left > 0
                ? notifications.await(
                        NotificationChannel.EXECUTIONS_QUEUED,
                        runtime.environmentId().toString(),
                        Duration.ofNanos(left))
                : null;
        ClaimResponse claimed;
        try {
            claimed = claimNow(runtime, max);
        } catch (RuntimeException e) {
            RuntimeWaits.cancel(woken);
            throw e;
        }
        if (!claimed.executions().isEmpty() || woken == null) {
            RuntimeWaits.cancel(woken);
            return CompletableFuture.completedFuture(HttpResponse.ok(claimed));
        }
        return woken.thenComposeAsync(
                wake -> {
                    if (wake == Wake.REFUSED) {
                        throw RuntimeWaits.tooManyWaiting();
                    }
                    return poll(runtime, max, deadline);
                },
                blocking);
    }

    private ClaimResponse claimNow(RuntimeIdentity runtime, int max) {
        // a runtime revoked while it waited claims nothing more
        states.revision(runtime);
        Instant now = now();
        List<ProcessExecution> claimed =
                store.claim(runtime.environmentId(), runtime.runtimeId(), max, now, properties.lease());
        if (claimed.isEmpty()) {
            return new ClaimResponse(List.of());
        }
        Map<UUID, Map<String, String>> values = states.extensionValues(
                runtime,
                claimed.stream()
                        .map(ProcessExecution::integrationPackInstanceId)
                        .distinct()
                        .toList());
        return new ClaimResponse(claimed.stream()
                .map(execution -> ClaimResponse.Claimed.of(
                        ExecutionResponse.of(execution),
                        now.plus(properties.lease()),
                        values.getOrDefault(execution.integrationPackInstanceId(), Map.of())))
                .toList());
    }

    /** Extends the lease: {@code 404} for an execution of another environment, {@code 409} when not held. */
    void heartbeat(RuntimeIdentity runtime, UUID id) {
        ProcessExecutionStore.Held held =
                held(store.heartbeat(id, runtime.environmentId(), runtime.runtimeId(), now(), properties.lease()), id);
        if (!held.changed()) {
            throw notHeld(id, held.status());
        }
    }

    /**
     * Records the result: {@code 404} for an execution of another environment; {@code 409} when it is
     * not held by this runtime, or a different result is recorded already. Reporting the same result
     * twice is harmless.
     */
    void result(RuntimeIdentity runtime, UUID id, ExecutionResultRequest result) {
        if (result.finishedAt().isBefore(result.startedAt())) {
            throw ApiException.invalidField("finishedAt", "must not be before startedAt");
        }
        ProcessExecutionStore.Held held = held(
                store.result(
                        id,
                        runtime.environmentId(),
                        runtime.runtimeId(),
                        result.status().name(),
                        result.startedAt(),
                        result.finishedAt(),
                        result.message()),
                id);
        if (held.changed()) {
            // a failure may be due for a retry: its lane's workflow plans it; a success needs nothing
            if (result.status() == ExecutionResultRequest.Outcome.FAILED) {
                lanes.changed(held.lane());
            }
            return;
        }
        if (!held.status().equals(result.status().name())) {
            throw ApiException.conflict("The execution " + id + " is " + held.status() + "; a different result"
                    + " cannot be recorded for it.");
        }
    }

    private static ProcessExecutionStore.Held held(Optional<ProcessExecutionStore.Held> held, UUID id) {
        return held.orElseThrow(() -> ApiException.notFound("The runtime's environment has no execution " + id
                + ". Claim executions with POST" + " /api/v1/runtime/executions/claim."));
    }

    private static ApiException notHeld(UUID id, String status) {
        return ApiException.conflict("This runtime does not hold the execution " + id + " (it is "
                + ("CLAIMED_BY_ANOTHER".equals(status) ? "claimed by another runtime" : status)
                + "): stop running it.");
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
