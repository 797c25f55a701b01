package io.packwright.api.groups;

import io.packwright.activities.store.Ids;
import io.packwright.activities.store.group.AccountGroupLink;
import io.packwright.activities.store.group.AccountGroupMember;
import io.packwright.activities.store.group.AccountGroupPack;
import io.packwright.activities.store.group.AccountGroupRepository;
import io.packwright.activities.store.group.AccountGroupSummary;
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
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A partner's account groups: which of its managed accounts (members) see which of its
 * integration packs (resources). Only partners have groups: managed accounts and platform
 * operators are refused with 403; a group, account or pack of another partner is 404, exactly
 * like an unknown id. Adding and removing members and resources is idempotent.
 */
@Singleton
public class AccountGroupService {

    private static final String LIST_GROUPS = "List your groups with GET /api/v1/account-groups.";

    private final AccountGroupRepository groups;
    private final Tenancy tenancy;
    private final Clock clock;

    AccountGroupService(AccountGroupRepository groups, Tenancy tenancy, Clock clock) {
        this.groups = groups;
        this.tenancy = tenancy;
        this.clock = clock;
    }

    /** Creates an empty group; 409 when the partner already has a group with this name. */
    @Transactional
    public AccountGroupResponse create(Caller caller, CreateAccountGroupRequest request) {
        UUID partner = tenancy.partner(caller, Tenancy.PartnerArea.ACCOUNT_GROUPS);
        UUID id = Ids.next();
        if (groups.insertUnlessNameTaken(id, partner, request.name(), now()) == 0) {
            throw ApiException.conflict("You already have an account group named '" + request.name()
                    + "'. Group names are unique per partner: choose another name, or add accounts and packs to the"
                    + " existing group (" + LIST_GROUPS + ")");
        }
        return new AccountGroupResponse(id, request.name(), List.of(), List.of(), 0, 0);
    }

    /**
     * The partner's groups in creation order, each with its first members and packs; a page of groups
     * that list many ends before {@code limit} once it holds about {@link PageRequest#MAX_PAGE_BYTES}.
     */
    @Transactional
    public PageResponse<AccountGroupResponse> list(Caller caller, PageRequest page) {
        UUID partner = tenancy.partner(caller, Tenancy.PartnerArea.ACCOUNT_GROUPS);
        return page.slice(
                        groups.findSummaryPage(partner, page.after(), page.fetchSize()),
                        AccountGroupSummary::id,
                        AccountGroupResponse::approximateBytes)
                .mapAll(this::responses);
    }

    /** One of the partner's groups, with its first members and packs. */
    @Transactional
    public AccountGroupResponse get(Caller caller, UUID id) {
        UUID partner = tenancy.partner(caller, Tenancy.PartnerArea.ACCOUNT_GROUPS);
        AccountGroupSummary group = groups.findOwnedSummary(id, partner).orElseThrow(() -> groupNotFound(id));
        return responses(List.of(group)).get(0);
    }

    /** One page of the members of one of the partner's groups, in creation order of the accounts. */
    @Transactional
    public PageResponse<AccountGroupAccountResponse> accounts(Caller caller, UUID groupId, PageRequest page) {
        UUID partner = tenancy.partner(caller, Tenancy.PartnerArea.ACCOUNT_GROUPS);
        groups.findOwned(groupId, partner).orElseThrow(() -> groupNotFound(groupId));
        // an item is two short fixed fields and a name of at most 255 characters: no size estimate
        return page.toPage(
                groups.findMemberPage(groupId, page.after(), page.fetchSize()),
                AccountGroupMember::accountId,
                AccountGroupAccountResponse::of);
    }

    /** One page of the live packs of one of the partner's groups, in creation order of the packs. */
    @Transactional
    public PageResponse<AccountGroupIntegrationPackResponse> integrationPacks(
            Caller caller, UUID groupId, PageRequest page) {
        UUID partner = tenancy.partner(caller, Tenancy.PartnerArea.ACCOUNT_GROUPS);
        groups.findOwned(groupId, partner).orElseThrow(() -> groupNotFound(groupId));
        // an item is two short fixed fields and a name of at most 255 characters: no size estimate
        return page.toPage(
                groups.findLivePackPage(groupId, page.after(), page.fetchSize()),
                AccountGroupPack::integrationPackId,
                AccountGroupIntegrationPackResponse::of);
    }

    /** Deletes a group with its memberships and pack resources; the accounts and packs stay. */
    @Transactional
    public void delete(Caller caller, UUID id) {
        UUID partner = tenancy.partner(caller, Tenancy.PartnerArea.ACCOUNT_GROUPS);
        if (groups.deleteOwned(id, partner) == 0) {
            throw groupNotFound(id);
        }
    }

    /** Makes one of the partner's managed accounts a member of the group (idempotent). */
    @Transactional
    public void addAccount(Caller caller, UUID groupId, UUID accountId) {
        UUID partner = tenancy.partner(caller, Tenancy.PartnerArea.ACCOUNT_GROUPS);
        groups.findOwnedForShare(groupId, partner).orElseThrow(() -> groupNotFound(groupId));
        tenancy.ownManagedAccount(partner, accountId);
        groups.addMember(groupId, accountId, now());
    }

    /** Removes one of the partner's managed accounts from the group (idempotent). */
    @Transactional
    public void removeAccount(Caller caller, UUID groupId, UUID accountId) {
        UUID partner = tenancy.partner(caller, Tenancy.PartnerArea.ACCOUNT_GROUPS);
        groups.findOwned(groupId, partner).orElseThrow(() -> groupNotFound(groupId));
        tenancy.ownManagedAccount(partner, accountId);
        groups.removeMember(groupId, accountId);
    }

    /** Shares one of the partner's live packs with the group's members (idempotent). */
    @Transactional
    public void addPack(Caller caller, UUID groupId, UUID packId) {
        UUID partner = tenancy.partner(caller, Tenancy.PartnerArea.ACCOUNT_GROUPS);
        groups.findOwnedForShare(groupId, partner).orElseThrow(() -> groupNotFound(groupId));
        groups.lockLivePack(packId, partner).orElseThrow(() -> packNotFound(packId));
        groups.addPack(groupId, packId, now());
    }

    /**
     * Stops sharing a pack with the group's members (idempotent): they can no longer see or
     * install it through this group; instances already installed stay and keep receiving
     * releases.
     */
    @Transactional
    public void removePack(Caller caller, UUID groupId, UUID packId) {
        UUID partner = tenancy.partner(caller, Tenancy.PartnerArea.ACCOUNT_GROUPS);
        groups.findOwned(groupId, partner).orElseThrow(() -> groupNotFound(groupId));
        groups.lockLivePack(packId, partner).orElseThrow(() -> packNotFound(packId));
        groups.removePack(groupId, packId);
    }

    private List<AccountGroupResponse> responses(List<AccountGroupSummary> page) {
        List<UUID> ids = page.stream().map(AccountGroupSummary::id).toList();
        Map<UUID, List<UUID>> members = byGroup(groups.findFirstMembers(ids, AccountGroupResponse.MAX_LISTED));
        Map<UUID, List<UUID>> packs = byGroup(groups.findFirstLivePacks(ids, AccountGroupResponse.MAX_LISTED));
        return page.stream()
                .map(group -> new AccountGroupResponse(
                        group.id(),
                        group.name(),
                        members.getOrDefault(group.id(), List.of()),
                        packs.getOrDefault(group.id(), List.of()),
                        group.accountCount(),
                        group.integrationPackCount()))
                .toList();
    }

    private static Map<UUID, List<UUID>> byGroup(Collection<AccountGroupLink> links) {
        return links.stream()
                .collect(Collectors.groupingBy(
                        AccountGroupLink::accountGroupId,
                        Collectors.mapping(AccountGroupLink::targetId, Collectors.toList())));
    }

    private static ApiException groupNotFound(UUID id) {
        return ApiException.notFound("You have no account group " + id + ". " + LIST_GROUPS);
    }

    private static ApiException packNotFound(UUID packId) {
        return ApiException.notFound("You have no integration pack " + packId + " (it is unknown, deleted or"
                + " another partner's). Only your own packs can be shared through your account groups; list them"
                + " with GET /api/v1/integration-packs.");
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
