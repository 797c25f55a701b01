package io.packwright.api.executions;

import io.micronaut.core.annotation.Nullable;
import io.packwright.activities.schedule.ExecutionProperties;
import io.packwright.activities.store.managed.InstanceRepository;
import io.packwright.activities.store.schedule.ProcessExecution;
import io.packwright.activities.store.schedule.ProcessExecutionRepository;
import io.packwright.activities.store.schedule.ProcessExecutionStore;
import io.packwright.api.auth.Caller;
import io.packwright.api.auth.Tenancy;
import io.packwright.api.managed.InstanceService;
import io.packwright.api.paging.PageRequest;
import io.packwright.api.paging.PageResponse;
import io.packwright.api.problem.ApiException;
import io.packwright.api.schedules.ProcessScheduleService;
import io.packwright.workflows.schedule.ProcessLane;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * Process executions as managed accounts (or their partners on their behalf) see them: run now,
 * list, read, cancel while queued.
 */
@Singleton
public class ExecutionService {

    /** The statuses an execution can have, to filter by. */
    public enum Status {
        QUEUED,
        CLAIMED,
        SUCCEEDED,
        FAILED,
        MISSED,
        SKIPPED,
        CANCELLED,
        TIMED_OUT
    }

    private final ProcessExecutionRepository executions;
    private final ProcessExecutionStore store;
    private final ProcessScheduleService processes;
    private final InstanceRepository instances;
    private final ExecutionProperties properties;
    private final Tenancy tenancy;
    private final Clock clock;

    ExecutionService(
            ProcessExecutionRepository executions,
            ProcessExecutionStore store,
            ProcessScheduleService processes,
            InstanceRepository instances,
            ExecutionProperties properties,
            Tenancy tenancy,
            Clock clock) {
        this.executions = executions;
        this.store = store;
        this.processes = processes;
        this.instances = instances;
        this.properties = properties;
        this.tenancy = tenancy;
        this.clock = clock;
    }

    /**
     * Queues a run of the process now: {@code 404} for an instance of another account, {@code 409}
     * when the component is not a process of the installed release or the environment is not
     * attached.
     */
    @Transactional
    public ExecutionResponse runNow(Caller caller, UUID instanceId, RunNowRequest request) {
        UUID account = tenancy.actingFor(caller, request.accountId());
        if (instances.lockOwned(instanceId, account).isEmpty()) {
            throw InstanceService.instanceNotFound(instanceId);
        }
        String componentName = processes.requireProcess(instanceId, request.componentId(), request.environmentId());
        UUID id = store.queueManual(
                new ProcessLane(instanceId, request.componentId(), request.environmentId(), null),
                componentName,
                now(),
                properties.startWindow());
        return get(account, id);
    }

    /** The account's executions, newest first, optionally filtered. */
    @Transactional
    public PageResponse<ExecutionResponse> list(
            Caller caller,
            @Nullable UUID accountId,
            @Nullable UUID instanceId,
            @Nullable UUID environmentId,
            @Nullable Status status,
            PageRequest page) {
        UUID account = tenancy.actingFor(caller, accountId);
        List<ProcessExecution> rows = executions.findPage(
                account,
                instanceId,
                environmentId,
                status == null ? null : status.name(),
                page.before(),
                page.fetchSize());
        return page.toPage(rows, ProcessExecution::id, ExecutionResponse::of);
    }

    /** One of the account's executions. */
    @Transactional
    public ExecutionResponse get(Caller caller, @Nullable UUID accountId, UUID id) {
        return get(tenancy.actingFor(caller, accountId), id);
    }

    /** Cancels a queued execution: {@code 409} in any other status. */
    @Transactional
    public ExecutionResponse cancel(Caller caller, @Nullable UUID accountId, UUID id) {
        UUID account = tenancy.actingFor(caller, accountId);
        ExecutionResponse execution = get(account, id);
        if (executions.cancelQueued(id, account, now()) == 0) {
            throw ApiException.conflict("The execution " + id + " is " + execution.status() + ": only a QUEUED"
                    + " execution can be cancelled.");
        }
        return get(account, id);
    }

    private ExecutionResponse get(UUID account, UUID id) {
        return executions
                .findOwned(id, account)
                .map(ExecutionResponse::of)
                .orElseThrow(() -> ApiException.notFound("The account has no execution " + id + ". List its"
                        + " executions with GET /api/v1/executions."));
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
