package io.packwright.api.auth;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.security.authentication.Authentication;
import io.packwright.activities.store.account.AccountEntity;
import io.packwright.activities.store.account.AccountRepository;
import io.packwright.activities.store.account.AccountType;
import io.packwright.activities.store.runtime.RuntimeIdentity;
import io.packwright.api.problem.ApiException;
import jakarta.inject.Singleton;
import java.util.UUID;

/**
 * The one place that decides who a request's caller is and which tenant it may act for. Every
 * service asks it instead of inspecting roles itself: a role that may not call an endpoint at all is
 * {@code 403}; an account or resource of another tenant is {@code 404}, never its data.
 *
 * <ul>
 *   <li>{@link #runtime}: the runtime behind a runtime token, for the runtime protocol only.
 *   <li>{@link #caller}: a verified token's subject is {@code admin} with the role {@code ADMIN} (a
 *       platform operator) or the id of an existing account, whose type gives the role; anything
 *       else is {@code 401}.
 *   <li>{@link #partner}: partner-only areas (catalog, account groups, packs and releases).
 *   <li>{@link #packManager}: a partner with the feature {@code integrationPackManagement}.
 *   <li>{@link #actingFor}: the managed account a managed-account endpoint acts for: a managed
 *       account itself, or a partner for one of its own managed accounts named by {@code accountId}.
 *   <li>{@link #ownManagedAccount} and {@link #visibleAccount}: which accounts a caller may name.
 *   <li>{@link #webhookSubscriber}: who owns the webhook endpoints a caller manages: its own account,
 *       a partner for its whole tenant, a managed account for itself.
 * </ul>
 */
@Singleton
public class Tenancy {

    /** The partner-only areas of the API, each with what it tells a caller that may not use it. */
    public enum PartnerArea {
        CATALOG(
                "Platform operators have no catalog; components belong to partners. Call this endpoint with a"
                        + " partner's token.",
                "Managed accounts have no catalog; components are created and packaged by your partner."),
        ACCOUNT_GROUPS(
                "Platform operators have no account groups: each partner manages its own account groups with its"
                        + " own token.",
                "Account groups are managed by your partner; a managed account cannot read or change them. The"
                        + " integration packs shared with you are listed at GET /api/v1/available-integration-packs."),
        INTEGRATION_PACKS(
                "Platform operators do not own integration packs; packs belong to partners. Call this endpoint with"
                        + " a partner's token.",
                "Managed accounts cannot manage integration packs; the packs shared with you are at GET"
                        + " /api/v1/available-integration-packs.");

        private final String toOperator;
        private final String toManagedAccount;

        PartnerArea(String toOperator, String toManagedAccount) {
            this.toOperator = toOperator;
            this.toManagedAccount = toManagedAccount;
        }
    }

    /** Why a runtime token may not call an endpoint outside the runtime protocol. */
    public static final String RUNTIME_ELSEWHERE = "A runtime token (pwrt_…) may call only the runtime protocol,"
            + " /api/v1/runtime/**. Manage runtimes, instances and environments with the account's or its partner's"
            + " own token.";

    /** Why a token other than a runtime's may not call the runtime protocol. */
    public static final String NOT_A_RUNTIME = "Only runtime tokens (pwrt_…) may call /api/v1/runtime/**. Create one"
            + " for the environment with POST /api/v1/environments/{id}/runtimes and give it to the runtime.";

    private final AccountRepository accounts;

    Tenancy(AccountRepository accounts) {
        this.accounts = accounts;
    }

    /**
     * The caller behind a verified token; needs a database round trip, call it off the event loop. A
     * runtime token is {@code 403}: runtimes call only {@code /api/v1/runtime/**} ({@link #runtime}).
     */
    public Caller caller(Authentication authentication) {
        if (RuntimeAuthentication.identity(authentication).isPresent()) {
            throw ApiException.forbidden(RUNTIME_ELSEWHERE);
        }
        String subject = authentication.getName();
        if (Caller.ADMIN_SUBJECT.equals(subject)) {
            if (!authentication.getRoles().contains(Caller.ADMIN_ROLE)) {
                throw ApiException.unauthorized("The token's subject is 'admin' but it lacks the role 'ADMIN'.");
            }
            return new Caller(Caller.Role.ADMIN, subject, null);
        }
        UUID accountId;
        try {
            accountId = UUID.fromString(subject);
        } catch (IllegalArgumentException notAnId) {
            throw ApiException.unauthorized("The token's subject must be 'admin' or an account id.");
        }
        AccountEntity account = accounts.findById(accountId)
                .orElseThrow(() -> ApiException.unauthorized("The token's subject is not a known account."));
        return new Caller(
                account.type() == AccountType.PARTNER ? Caller.Role.PARTNER : Caller.Role.MANAGED, subject, account);
    }

    /** The runtime behind a verified runtime token; {@code 403} for every other caller. */
    public RuntimeIdentity runtime(Authentication authentication) {
        return RuntimeAuthentication.identity(authentication).orElseThrow(() -> ApiException.forbidden(NOT_A_RUNTIME));
    }

    /** The calling partner's id; {@code 403} for operators and managed accounts. */
    public UUID partner(Caller caller, PartnerArea area) {
        if (caller.isAdmin()) {
            throw ApiException.forbidden(area.toOperator);
        }
        if (caller.isManaged()) {
            throw ApiException.forbidden(area.toManagedAccount);
        }
        return caller.accountId();
    }

    /** The calling partner's id when it may manage integration packs; {@code 403} otherwise. */
    public UUID packManager(Caller caller) {
        UUID partner = partner(caller, PartnerArea.INTEGRATION_PACKS);
        if (!caller.account().integrationPackManagement()) {
            throw ApiException.forbidden("The feature 'integrationPackManagement' is not enabled for your account; ask"
                    + " your platform operator to enable it.");
        }
        return partner;
    }

    /**
     * The managed account that a managed-account endpoint acts for. A managed account acts for itself
     * (an {@code accountId} other than its own is {@code 404}); a partner acts for one of its own
     * managed accounts named by {@code accountId} ({@code 400} when missing, {@code 404} for
     * another partner's or an unknown account); platform operators are refused ({@code 403}).
     */
    public UUID actingFor(Caller caller, @Nullable UUID accountId) {
        if (caller.isAdmin()) {
            throw ApiException.forbidden("Platform operators do not act on managed accounts' environments and"
                    + " instances: the managed account, or its partner on its behalf, does.");
        }
        if (caller.isManaged()) {
            if (accountId != null && !accountId.equals(caller.accountId())) {
                throw managedAccountNotFound(accountId);
            }
            return caller.accountId();
        }
        if (accountId == null) {
            throw ApiException.invalidField(
                    "accountId",
                    "is required when a partner acts for one of its managed accounts: pass the managed account's id");
        }
        return ownManagedAccount(caller.accountId(), accountId).id();
    }

    /**
     * The subscriber of the caller's webhook endpoints: its own account. A partner's endpoints receive
     * the events of its whole tenant, a managed account's only those about itself; neither sees the
     * other's endpoints ({@code 404}). Platform operators have no endpoints ({@code 403}).
     */
    public WebhookSubscriber webhookSubscriber(Caller caller) {
        if (caller.isAdmin()) {
            throw ApiException.forbidden("Platform operators have no webhook endpoints: a partner subscribes to the"
                    + " events of its tenant, and a managed account to its own, each with its own token. Inspect"
                    + " delivery workflows in the Temporal UI instead.");
        }
        AccountEntity account = caller.account();
        return caller.isPartner()
                ? new WebhookSubscriber(account.id(), account.id(), null)
                : new WebhookSubscriber(account.id(), account.parentAccountId(), account.id());
    }

    /** The partner's managed account {@code accountId}; {@code 404} for any other account. */
    public AccountEntity ownManagedAccount(UUID partnerId, UUID accountId) {
        return accounts.findById(accountId)
                .filter(account -> account.type() == AccountType.MANAGED && partnerId.equals(account.parentAccountId()))
                .orElseThrow(() -> managedAccountNotFound(accountId));
    }

    /**
     * An account that the caller may see: operators see every account, partners themselves and their
     * managed accounts, managed accounts themselves; {@code 404} otherwise.
     */
    public AccountEntity visibleAccount(Caller caller, UUID id) {
        return accounts.findById(id)
                .filter(account -> caller.isAdmin()
                        || account.id().equals(caller.accountId())
                        || caller.isPartner() && caller.accountId().equals(account.parentAccountId()))
                .orElseThrow(() -> ApiException.notFound("No account " + id + " is visible to you."));
    }

    private static ApiException managedAccountNotFound(UUID accountId) {
        return ApiException.notFound("There is no managed account " + accountId + " that you may act for. A partner"
                + " acts only for its own managed accounts (GET /api/v1/accounts); a managed account only for itself.");
    }
}
