package io.packwright.api.accounts;

import io.packwright.activities.store.Ids;
import io.packwright.activities.store.account.AccountEntity;
import io.packwright.activities.store.account.AccountRepository;
import io.packwright.activities.store.account.AccountType;
import io.packwright.api.auth.Caller;
import io.packwright.api.auth.Tenancy;
import io.packwright.api.paging.PageRequest;
import io.packwright.api.paging.PageResponse;
import io.packwright.api.problem.ApiException;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Accounts and who may see and change them: operators see every account and create partners;
 * partners see themselves and their managed accounts and create managed accounts; managed
 * accounts see only themselves.
 */
@Singleton
public class AccountService {

    private final AccountRepository accounts;
    private final Tenancy tenancy;
    private final Clock clock;

    AccountService(AccountRepository accounts, Tenancy tenancy, Clock clock) {
        this.accounts = accounts;
        this.tenancy = tenancy;
        this.clock = clock;
    }

    /** Creates a partner (operators) or a managed account (partners). */
    @Transactional
    public AccountResponse create(Caller caller, CreateAccountRequest request) {
        if (caller.isManaged()) {
            throw ApiException.forbidden("Managed accounts cannot create accounts.");
        }
        Instant now = now();
        AccountEntity account;
        if (caller.isAdmin()) {
            if (request.type() != AccountType.PARTNER) {
                throw ApiException.invalidField(
                        "type", "must be PARTNER: managed accounts are created by their partner");
            }
            if (request.timeZone() == null) {
                throw ApiException.invalidField("timeZone", "is required for a partner account, e.g. 'Europe/Berlin'");
            }
            boolean management =
                    flag(request.features() == null ? null : request.features().integrationPackManagement());
            boolean multiInstall =
                    flag(request.features() == null ? null : request.features().multiInstallIntegrationPacks());
            checkFeatures(management, multiInstall);
            account = new AccountEntity(
                    Ids.next(),
                    request.name(),
                    AccountType.PARTNER,
                    null,
                    request.timeZone(),
                    management,
                    multiInstall,
                    now,
                    now);
        } else {
            if (request.type() != AccountType.MANAGED) {
                throw ApiException.forbidden("Only a platform operator can create partner accounts; a partner creates"
                        + " accounts of type MANAGED.");
            }
            if (request.features() != null) {
                throw ApiException.invalidField(
                        "features", "can only be set by a platform operator, on partner accounts");
            }
            AccountEntity partner = caller.account();
            account = new AccountEntity(
                    Ids.next(),
                    request.name(),
                    AccountType.MANAGED,
                    partner.id(),
                    request.timeZone() != null ? request.timeZone() : partner.timeZone(),
                    false,
                    false,
                    now,
                    now);
        }
        return AccountResponse.of(accounts.save(account));
    }

    /** One account that the caller may see; 404 otherwise. */
    @Transactional
    public AccountResponse get(Caller caller, UUID id) {
        return AccountResponse.of(tenancy.visibleAccount(caller, id));
    }

    /** Operators list partners; partners list their managed accounts. */
    @Transactional
    public PageResponse<AccountResponse> list(Caller caller, PageRequest page) {
        List<AccountEntity> rows;
        if (caller.isAdmin()) {
            rows = accounts.findPartnersPage(page.after(), page.fetchSize());
        } else if (caller.isPartner()) {
            rows = accounts.findManagedPage(caller.accountId(), page.after(), page.fetchSize());
        } else {
            throw ApiException.forbidden("Managed accounts cannot list accounts; read your own with GET"
                    + " /api/v1/accounts/" + caller.accountId() + ".");
        }
        return page.toPage(rows, AccountEntity::id, AccountResponse::of);
    }

    /** Renames an account or changes its time zone; operators also change a partner's features. */
    @Transactional
    public AccountResponse update(Caller caller, UUID id, UpdateAccountRequest request) {
        if (caller.isManaged()) {
            throw ApiException.forbidden("Managed accounts cannot change accounts; ask your partner.");
        }
        AccountEntity account = tenancy.visibleAccount(caller, id);
        boolean management = account.integrationPackManagement();
        boolean multiInstall = account.multiInstallPacks();
        if (request.features() != null) {
            if (!caller.isAdmin()) {
                throw ApiException.forbidden("Only a platform operator can change account features.");
            }
            if (!account.isPartner()) {
                throw ApiException.invalidField("features", "apply to partner accounts only");
            }
            management = Objects.requireNonNullElse(request.features().integrationPackManagement(), management);
            multiInstall = Objects.requireNonNullElse(request.features().multiInstallIntegrationPacks(), multiInstall);
            checkFeatures(management, multiInstall);
        }
        AccountEntity updated = new AccountEntity(
                account.id(),
                Objects.requireNonNullElse(request.name(), account.name()),
                account.type(),
                account.parentAccountId(),
                Objects.requireNonNullElse(request.timeZone(), account.timeZone()),
                management,
                multiInstall,
                account.createdAt(),
                now());
        return AccountResponse.of(accounts.update(updated));
    }

    private static void checkFeatures(boolean management, boolean multiInstall) {
        if (multiInstall && !management) {
            throw ApiException.invalidField(
                    "features.multiInstallIntegrationPacks",
                    "cannot be enabled unless integrationPackManagement is enabled too");
        }
    }

    private static boolean flag(Boolean value) {
        return value != null && value;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
