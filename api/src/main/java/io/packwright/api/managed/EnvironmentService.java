package io.packwright.api.managed;

import io.packwright.activities.store.Ids;
import io.packwright.activities.store.managed.EnvironmentEntity;
import io.packwright.activities.store.managed.EnvironmentRepository;
import io.packwright.api.auth.Caller;
import io.packwright.api.auth.Tenancy;
import io.packwright.api.paging.PageRequest;
import io.packwright.api.paging.PageResponse;
import io.packwright.api.problem.ApiException;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/** Environments of managed accounts, read and changed by the account or its partner on its behalf. */
@Singleton
public class EnvironmentService {

    private final EnvironmentRepository environments;
    private final Tenancy tenancy;
    private final Clock clock;

    EnvironmentService(EnvironmentRepository environments, Tenancy tenancy, Clock clock) {
        this.environments = environments;
        this.tenancy = tenancy;
        this.clock = clock;
    }

    /** Creates an environment; 409 when the account already has one with this name. */
    @Transactional
    public EnvironmentResponse create(Caller caller, CreateEnvironmentRequest request) {
        UUID account = tenancy.actingFor(caller, request.accountId());
        UUID id = Ids.next();
        String classification = request.classification().name();
        if (environments.insertUnlessNameTaken(
                        id,
                        account,
                        request.name(),
                        classification,
                        clock.instant().truncatedTo(ChronoUnit.MILLIS))
                == 0) {
            throw ApiException.conflict("The account already has an environment named '" + request.name()
                    + "'. Environment names are unique per account: choose another name, or use the existing"
                    + " environment (GET /api/v1/environments).");
        }
        return new EnvironmentResponse(id, account, request.name(), classification);
    }

    /** The account's environments in creation order. */
    @Transactional
    public PageResponse<EnvironmentResponse> list(Caller caller, UUID accountId, PageRequest page) {
        UUID account = tenancy.actingFor(caller, accountId);
        List<EnvironmentEntity> rows = environments.findPage(account, page.after(), page.fetchSize());
        return page.toPage(rows, EnvironmentEntity::id, EnvironmentResponse::of);
    }

    /** Deletes an environment of the account, detaching every instance attached to it. */
    @Transactional
    public void delete(Caller caller, UUID accountId, UUID id) {
        UUID account = tenancy.actingFor(caller, accountId);
        if (environments.deleteOwned(id, account) == 0) {
            throw environmentNotFound(id);
        }
    }

    /** The 404 of an environment that the account acted for does not have. */
    public static ApiException environmentNotFound(UUID id) {
        return ApiException.notFound(
                "The account has no environment " + id + ". List its environments with GET" + " /api/v1/environments.");
    }
}
