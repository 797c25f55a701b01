package io.packwright.api.schedules;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.packwright.activities.schedule.ScheduleRule;
import io.packwright.activities.schedule.ScheduleRules;
import io.packwright.activities.schedule.StoredRule;
import io.packwright.activities.store.Ids;
import io.packwright.activities.store.account.AccountEntity;
import io.packwright.activities.store.account.AccountRepository;
import io.packwright.activities.store.managed.InstanceRepository;
import io.packwright.activities.store.schedule.ProcessSchedule;
import io.packwright.activities.store.schedule.ProcessScheduleRepository;
import io.packwright.api.auth.Caller;
import io.packwright.api.auth.Tenancy;
import io.packwright.api.managed.InstanceService;
import io.packwright.api.paging.PageRequest;
import io.packwright.api.paging.PageResponse;
import io.packwright.api.problem.ApiException;
import io.packwright.api.problem.FieldError;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Process schedules of managed accounts' instances, one per process of the installed release and
 * attached environment, read and changed by the account or its partner on its behalf. Every change
 * is followed by a signal to the schedule's workflow ({@code ProcessLaneWorkflows}), after its commit.
 */
@Singleton
public class ProcessScheduleService {

    /** How many upcoming fire instants a schedule shows. */
    static final int NEXT_RUNS = 5;

    private final ProcessScheduleRepository schedules;
    private final InstanceRepository instances;
    private final AccountRepository accounts;
    private final Tenancy tenancy;
    private final JsonMapper json;
    private final Clock clock;

    ProcessScheduleService(
            ProcessScheduleRepository schedules,
            InstanceRepository instances,
            AccountRepository accounts,
            Tenancy tenancy,
            JsonMapper json,
            Clock clock) {
        this.schedules = schedules;
        this.instances = instances;
        this.accounts = accounts;
        this.tenancy = tenancy;
        this.json = json;
        this.clock = clock;
    }

    /**
     * Creates or replaces the schedule: {@code 404} for an instance of another account, {@code 400}
     * for invalid rules (each problem by field), {@code 409} when the component is not a process of
     * the installed release or the environment is not attached to the instance.
     */
    @Transactional
    public ProcessScheduleResponse put(
            Caller caller,
            @Nullable UUID accountId,
            UUID instanceId,
            UUID componentId,
            UUID environmentId,
            ProcessScheduleRequest request) {
        UUID account = tenancy.actingFor(caller, accountId);
        lockInstance(account, instanceId);
        List<ScheduleRule> rules = rules(request.rules());
        requireProcess(instanceId, componentId, environmentId);
        String zone = request.timeZone() != null ? request.timeZone() : defaultZone(account);
        schedules.upsert(
                Ids.next(),
                instanceId,
                componentId,
                environmentId,
                account,
                request.enabled(),
                zone,
                write(request.rules()),
                request.maxRetries(),
                request.retryDelayMinutes(),
                request.overlap().name(),
                now());
        ProcessSchedule stored = schedules
                .findLane(instanceId, componentId, environmentId)
                .orElseThrow(() -> new IllegalStateException("a schedule vanished in its own transaction"));
        return response(stored, rules);
    }

    /** The instance's schedules in creation order. */
    @Transactional
    public PageResponse<ProcessScheduleResponse> list(
            Caller caller, @Nullable UUID accountId, UUID instanceId, PageRequest page) {
        UUID account = tenancy.actingFor(caller, accountId);
        if (instances.findOwned(instanceId, account).isEmpty()) {
            throw InstanceService.instanceNotFound(instanceId);
        }
        List<ProcessSchedule> rows = schedules.findPage(instanceId, page.after(), page.fetchSize());
        return page.toPage(rows, ProcessSchedule::id, row -> response(row, StoredRule.toRules(read(row.rules()))));
    }

    /** One schedule; {@code 404} when the process has none in the environment. */
    @Transactional
    public ProcessScheduleResponse get(
            Caller caller, @Nullable UUID accountId, UUID instanceId, UUID componentId, UUID environmentId) {
        UUID account = tenancy.actingFor(caller, accountId);
        if (instances.findOwned(instanceId, account).isEmpty()) {
            throw InstanceService.instanceNotFound(instanceId);
        }
        ProcessSchedule row = schedules
                .findLane(instanceId, componentId, environmentId)
                .orElseThrow(() -> scheduleNotFound(instanceId, componentId, environmentId));
        return response(row, StoredRule.toRules(read(row.rules())));
    }

    /** Deletes the schedule; runs already queued stay queued. */
    @Transactional
    public void delete(Caller caller, @Nullable UUID accountId, UUID instanceId, UUID componentId, UUID environmentId) {
        UUID account = tenancy.actingFor(caller, accountId);
        lockInstance(account, instanceId);
        if (schedules.deleteLane(instanceId, componentId, environmentId) == 0) {
            throw scheduleNotFound(instanceId, componentId, environmentId);
        }
    }

    private ProcessScheduleResponse response(ProcessSchedule row, List<ScheduleRule> rules) {
        List<Instant> nextRuns =
                row.enabled() ? ScheduleRules.next(rules, ZoneId.of(row.timeZone()), now(), NEXT_RUNS) : List.of();
        return new ProcessScheduleResponse(
                row.id(),
                row.integrationPackInstanceId(),
                row.componentId(),
                row.componentName(),
                row.environmentId(),
                row.enabled(),
                row.timeZone(),
                read(row.rules()),
                row.maxRetries(),
                row.retryDelayMinutes(),
                ProcessScheduleRequest.Overlap.valueOf(row.overlap()),
                nextRuns,
                row.disabledReason(),
                row.createdAt(),
                row.updatedAt());
    }

    private void lockInstance(UUID account, UUID instanceId) {
        if (instances.lockOwned(instanceId, account).isEmpty()) {
            throw InstanceService.instanceNotFound(instanceId);
        }
    }

    /**
     * The name of the process {@code componentId} of the instance's installed release: {@code 409}
     * unless the component is such a process and the environment is attached to the instance. What
     * a schedule and a run both need; call it in the transaction that locked the instance.
     */
    public String requireProcess(UUID instanceId, UUID componentId, UUID environmentId) {
        String name = schedules.findInstalledProcess(instanceId, componentId).orElse(null);
        if (name == null) {
            throw ApiException.conflict("The component " + componentId + " is not a PROCESS of the release that the"
                    + " instance " + instanceId + " runs. Only the processes of its installed release can be"
                    + " scheduled or run (GET /api/v1/integration-pack-instances/" + instanceId + ").");
        }
        if (!schedules.isAttached(instanceId, environmentId)) {
            throw ApiException.conflict("The environment " + environmentId + " is not attached to the instance "
                    + instanceId + ". Attach it first (POST /api/v1/integration-pack-instances/" + instanceId
                    + "/environment-attachments).");
        }
        return name;
    }

    private static List<ScheduleRule> rules(List<StoredRule> given) {
        List<FieldError> errors = new ArrayList<>();
        List<ScheduleRule> rules = new ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            try {
                rules.add(given.get(i).toRule());
            } catch (StoredRule.InvalidRuleException invalid) {
                for (StoredRule.Problem problem : invalid.problems()) {
                    errors.add(new FieldError("rules[" + i + "]." + problem.field(), problem.message()));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalidFields(errors);
        }
        return rules;
    }

    private String defaultZone(UUID account) {
        AccountEntity managed = accounts.findById(account).orElseThrow();
        if (managed.timeZone() != null) {
            return managed.timeZone();
        }
        return managed.parentAccountId() == null
                ? "UTC"
                : accounts.findById(managed.parentAccountId())
                        .map(AccountEntity::timeZone)
                        .orElse("UTC");
    }

    private String write(List<StoredRule> rules) {
        return StoredRule.toJson(json, rules);
    }

    private List<StoredRule> read(String rules) {
        return StoredRule.fromJson(json, rules);
    }

    private static ApiException scheduleNotFound(UUID instanceId, UUID componentId, UUID environmentId) {
        return ApiException.notFound("The instance " + instanceId + " has no schedule of the process " + componentId
                + " in the environment " + environmentId + ". List its schedules with GET"
                + " /api/v1/integration-pack-instances/" + instanceId + "/process-schedules.");
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
