package io.packwright.api.runtime;

import io.micronaut.core.annotation.Nullable;
import io.packwright.activities.store.Ids;
import io.packwright.activities.store.managed.EnvironmentRepository;
import io.packwright.activities.store.runtime.RuntimeEntity;
import io.packwright.activities.store.runtime.RuntimeRepository;
import io.packwright.api.auth.Caller;
import io.packwright.api.auth.RuntimeTokens;
import io.packwright.api.auth.Tenancy;
import io.packwright.api.managed.EnvironmentService;
import io.packwright.api.paging.PageRequest;
import io.packwright.api.paging.PageResponse;
import io.packwright.api.problem.ApiException;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * Runtime credentials of managed accounts' environments, managed by the account or its partner on
 * its behalf. A token is generated here, returned once and stored only as its SHA-256.
 */
@Singleton
public class RuntimeService {

    private final RuntimeRepository runtimes;
    private final EnvironmentRepository environments;
    private final Tenancy tenancy;
    private final Clock clock;

    RuntimeService(RuntimeRepository runtimes, EnvironmentRepository environments, Tenancy tenancy, Clock clock) {
        this.runtimes = runtimes;
        this.environments = environments;
        this.tenancy = tenancy;
        this.clock = clock;
    }

    /**
     * Creates a runtime for an environment of the account. The environment is locked, so that
     * concurrent creations cannot pass the limit together.
     */
    @Transactional
    public CreatedRuntimeResponse create(Caller caller, UUID environmentId, CreateRuntimeRequest request) {
        UUID account = tenancy.actingFor(caller, request.accountId());
        environments
                .lockOwned(environmentId, account)
                .orElseThrow(() -> EnvironmentService.environmentNotFound(environmentId));
        if (runtimes.countByEnvironment(environmentId) >= RuntimeRepository.MAX_RUNTIMES_PER_ENVIRONMENT) {
            throw ApiException.conflict("The environment " + environmentId + " has "
                    + RuntimeRepository.MAX_RUNTIMES_PER_ENVIRONMENT + " runtimes, the most an environment can have."
                    + " Revoke one that is no longer used first (DELETE /api/v1/environments/" + environmentId
                    + "/runtimes/{runtimeId}).");
        }
        UUID id = Ids.next();
        String token = RuntimeTokens.generate();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        if (runtimes.insertUnlessNameTaken(id, environmentId, request.name(), RuntimeTokens.sha256(token), now) == 0) {
            throw ApiException.conflict("The environment already has a runtime named '" + request.name() + "'."
                    + " Runtime names are unique per environment: choose another name, or revoke the old runtime"
                    + " first.");
        }
        return new CreatedRuntimeResponse(id, environmentId, request.name(), token, now, null);
    }

    /** The environment's runtimes in creation order, without their tokens. */
    @Transactional
    public PageResponse<RuntimeResponse> list(
            Caller caller, @Nullable UUID accountId, UUID environmentId, PageRequest page) {
        UUID account = tenancy.actingFor(caller, accountId);
        environments
                .findOwned(environmentId, account)
                .orElseThrow(() -> EnvironmentService.environmentNotFound(environmentId));
        List<RuntimeEntity> rows = runtimes.findPage(environmentId, page.after(), page.fetchSize());
        return page.toPage(rows, RuntimeEntity::id, RuntimeResponse::of);
    }

    /** Revokes a runtime of the environment: its token is refused from this commit on. */
    @Transactional
    public void revoke(Caller caller, @Nullable UUID accountId, UUID environmentId, UUID runtimeId) {
        UUID account = tenancy.actingFor(caller, accountId);
        environments
                .findOwned(environmentId, account)
                .orElseThrow(() -> EnvironmentService.environmentNotFound(environmentId));
        if (runtimes.deleteInEnvironment(runtimeId, environmentId) == 0) {
            throw ApiException.notFound("The environment " + environmentId + " has no runtime " + runtimeId + ". List"
                    + " its runtimes with GET /api/v1/environments/" + environmentId + "/runtimes.");
        }
    }
}
