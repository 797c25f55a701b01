package io.packwright.activities.store.group;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Account groups of partners, their member accounts and their pack resources, and the rule that
 * they exist for: which integration packs a managed account may see and install.
 *
 * <p>Every write is race-free by itself (unique keys with {@code ON CONFLICT DO NOTHING}, deletes
 * by key), and adding or removing a member or resource is idempotent, so callers need no
 * read-then-write checks for duplicates. The
 * database also refuses a member or resource of another tenant (migration V3), whatever the
 * caller checked.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface AccountGroupRepository extends GenericRepository<AccountGroupEntity, UUID> {

    /**
     * The visibility rule as an SQL condition, for queries of other stores that list or check
     * packs for a managed account: it holds for a row {@code p} of {@code integration_packs}
     * exactly when that pack is visible to the account row {@code acting} of {@code accounts}, which
     * the query joins by the account's id ({@code JOIN accounts acting ON acting.id = :accountId}).
     *
     * <p>A managed account can see and install a pack only while the pack is live (not deleted)
     * and is a resource of an account group of the pack's partner that the account is a member
     * of. Removing the pack from the group, or the account from the group, or deleting the group
     * makes it invisible at once; this rule is about seeing and installing only, so instances
     * already installed are not affected by it (they stay installed and keep receiving releases).
     * Whether a visible pack can be installed yet (it needs a current release) is the caller's
     * concern. Tenancy is checked again here (the group and the account's parent are the pack's
     * partner, which also excludes partner accounts, as they have no parent), so the rule cannot
     * leak a pack across partners even if a row ever did.
     */
    String PACK_VISIBLE_TO_ACCOUNT = """
            p.deleted_at IS NULL
            AND acting.parent_account_id = p.partner_account_id
            AND EXISTS (
                SELECT 1
                FROM account_group_members m
                JOIN account_group_packs gp ON gp.account_group_id = m.account_group_id
                JOIN account_groups g ON g.id = m.account_group_id
                WHERE m.account_id = acting.id
                  AND gp.integration_pack_id = p.id
                  AND g.partner_account_id = p.partner_account_id)""";

    /**
     * The columns of {@link AccountGroupSummary} for the group row {@code g}. The counts are index
     * scans of the group's members and resources (primary keys); only live packs count.
     */
    String GROUP_SUMMARY = """
            SELECT g.id, g.name,
                   (SELECT count(*) FROM account_group_members m WHERE m.account_group_id = g.id) AS account_count,
                   (SELECT count(*) FROM account_group_packs gp
                     JOIN integration_packs p ON p.id = gp.integration_pack_id
                     WHERE gp.account_group_id = g.id AND p.deleted_at IS NULL) AS integration_pack_count
            FROM account_groups g
            """;

    // --- groups ---

    /**
     * Creates a group unless its partner already has one with this name. Race-free: of two
     * concurrent inserts of the same name, the second waits for the first and then inserts
     * nothing.
     *
     * @return 1 when created, 0 when the name is taken
     */
    @Query("""
            INSERT INTO account_groups (id, partner_account_id, name, created_at)
            VALUES (:id, :partnerAccountId, :name, :createdAt)
            ON CONFLICT ON CONSTRAINT account_groups_name_unique DO NOTHING""")
    int insertUnlessNameTaken(UUID id, UUID partnerAccountId, String name, Instant createdAt);

    /** The group {@code id} if it belongs to {@code partnerAccountId}. */
    @Query("SELECT * FROM account_groups WHERE id = :id AND partner_account_id = :partnerAccountId")
    Optional<AccountGroupEntity> findOwned(UUID id, UUID partnerAccountId);

    /**
     * Like {@link #findOwned}, and keeps the group from being deleted until this transaction
     * ends, so that a member or resource added in it never meets a vanished group. Needs a
     * surrounding read-write transaction.
     */
    @Query("SELECT * FROM account_groups WHERE id = :id AND partner_account_id = :partnerAccountId FOR SHARE")
    Optional<AccountGroupEntity> findOwnedForShare(UUID id, UUID partnerAccountId);

    /** The group {@code id} of {@code partnerAccountId} with its counts. */
    @Query(GROUP_SUMMARY + "WHERE g.id = :id AND g.partner_account_id = :partnerAccountId")
    Optional<AccountGroupSummary> findOwnedSummary(UUID id, UUID partnerAccountId);

    /**
     * One page of a partner's groups in creation order, with their counts.
     *
     * @param partnerAccountId the partner
     * @param after the last id of the previous page, or the nil UUID for the first page
     * @param limit the page size
     */
    @Query(GROUP_SUMMARY
            + "WHERE g.partner_account_id = :partnerAccountId AND g.id > :after ORDER BY g.id LIMIT :limit")
    List<AccountGroupSummary> findSummaryPage(UUID partnerAccountId, UUID after, int limit);

    /**
     * Deletes a partner's group with its memberships and pack resources (the accounts and packs
     * themselves stay).
     *
     * @return 1 when deleted, 0 when the partner has no such group
     */
    @Query("DELETE FROM account_groups WHERE id = :id AND partner_account_id = :partnerAccountId")
    int deleteOwned(UUID id, UUID partnerAccountId);

    // --- members ---

    /**
     * Makes an account a member of a group; nothing happens if it is one already.
     *
     * @return 1 when added, 0 when it was a member already
     */
    @Query("""
            INSERT INTO account_group_members (account_group_id, account_id, added_at)
            VALUES (:accountGroupId, :accountId, :addedAt)
            ON CONFLICT (account_group_id, account_id) DO NOTHING""")
    int addMember(UUID accountGroupId, UUID accountId, Instant addedAt);

    /**
     * Removes an account from a group; nothing happens if it is not a member.
     *
     * @return 1 when removed, 0 when it was not a member
     */
    @Query("DELETE FROM account_group_members WHERE account_group_id = :accountGroupId AND account_id = :accountId")
    int removeMember(UUID accountGroupId, UUID accountId);

    /**
     * The first {@code perGroup} member accounts of each of these groups, by group, then by account
     * id (creation order). Each group costs one index range scan that stops after {@code perGroup}
     * entries, however many members it has.
     *
     * @param accountGroupIds the groups of one page (bounded by its size)
     * @param perGroup how many members of each group at most
     */
    @Query("""
            SELECT g.id AS account_group_id, listed.account_id AS target_id
            FROM account_groups g
            CROSS JOIN LATERAL (
                SELECT account_id FROM account_group_members
                WHERE account_group_id = g.id ORDER BY account_id LIMIT :perGroup) listed
            WHERE g.id IN (:accountGroupIds)
            ORDER BY g.id, listed.account_id""")
    List<AccountGroupLink> findFirstMembers(Collection<UUID> accountGroupIds, int perGroup);

    /**
     * One page of the member accounts of a group, by account id (creation order).
     *
     * @param accountGroupId the group
     * @param after the last account id of the previous page, or the nil UUID for the first page
     * @param limit the page size
     */
    @Query("""
            SELECT m.account_id, a.name AS account_name, m.added_at
            FROM account_group_members m JOIN accounts a ON a.id = m.account_id
            WHERE m.account_group_id = :accountGroupId AND m.account_id > :after
            ORDER BY m.account_id LIMIT :limit""")
    List<AccountGroupMember> findMemberPage(UUID accountGroupId, UUID after, int limit);

    // --- pack resources ---

    /**
     * The id of a partner's live (not deleted) pack, read {@code FOR SHARE}: until this
     * transaction ends, the pack cannot be deleted, so that a resource added in it is either
     * seen by the pack's deletion (and removed with it) or refused because the pack is gone.
     * Needs a surrounding read-write transaction.
     */
    @Query("""
            SELECT id FROM integration_packs
            WHERE id = :packId AND partner_account_id = :partnerAccountId AND deleted_at IS NULL
            FOR SHARE""")
    Optional<UUID> lockLivePack(UUID packId, UUID partnerAccountId);

    /**
     * Makes a pack a resource of a group; nothing happens if it is one already.
     *
     * @return 1 when added, 0 when it was a resource already
     */
    @Query("""
            INSERT INTO account_group_packs (account_group_id, integration_pack_id, added_at)
            VALUES (:accountGroupId, :packId, :addedAt)
            ON CONFLICT (account_group_id, integration_pack_id) DO NOTHING""")
    int addPack(UUID accountGroupId, UUID packId, Instant addedAt);

    /**
     * Removes a pack from a group; nothing happens if it is not a resource of it.
     *
     * @return 1 when removed, 0 when it was not a resource
     */
    @Query("DELETE FROM account_group_packs WHERE account_group_id = :accountGroupId AND integration_pack_id = :packId")
    int removePack(UUID accountGroupId, UUID packId);

    /**
     * The first {@code perGroup} live (not deleted) pack resources of each of these groups, by group,
     * then by pack id (creation order). A deleted pack is invisible here even before its clean-up
     * removed its rows. Each group costs one index range scan that stops after {@code perGroup} live
     * packs.
     *
     * @param accountGroupIds the groups of one page (bounded by its size)
     * @param perGroup how many packs of each group at most
     */
    @Query("""
            SELECT g.id AS account_group_id, shared.integration_pack_id AS target_id
            FROM account_groups g
            CROSS JOIN LATERAL (
                SELECT gp.integration_pack_id FROM account_group_packs gp
                JOIN integration_packs p ON p.id = gp.integration_pack_id
                WHERE gp.account_group_id = g.id AND p.deleted_at IS NULL
                ORDER BY gp.integration_pack_id LIMIT :perGroup) shared
            WHERE g.id IN (:accountGroupIds)
            ORDER BY g.id, shared.integration_pack_id""")
    List<AccountGroupLink> findFirstLivePacks(Collection<UUID> accountGroupIds, int perGroup);

    /**
     * One page of the live (not deleted) pack resources of a group, by pack id (creation order).
     *
     * @param accountGroupId the group
     * @param after the last pack id of the previous page, or the nil UUID for the first page
     * @param limit the page size
     */
    @Query("""
            SELECT gp.integration_pack_id, p.name AS integration_pack_name, gp.added_at
            FROM account_group_packs gp JOIN integration_packs p ON p.id = gp.integration_pack_id
            WHERE gp.account_group_id = :accountGroupId AND p.deleted_at IS NULL AND gp.integration_pack_id > :after
            ORDER BY gp.integration_pack_id LIMIT :limit""")
    List<AccountGroupPack> findLivePackPage(UUID accountGroupId, UUID after, int limit);

    // --- visibility to managed accounts ---

    /**
     * Whether the managed account {@code accountId} may see and install the pack {@code packId}
     * now: the rule of {@link #PACK_VISIBLE_TO_ACCOUNT}. False for unknown ids, deleted packs,
     * packs of another partner, and for partner accounts (a partner reads its own packs
     * directly, not through groups).
     */
    @Query("SELECT EXISTS (SELECT 1 FROM integration_packs p JOIN accounts acting ON acting.id = :accountId"
            + " WHERE p.id = :packId AND " + PACK_VISIBLE_TO_ACCOUNT + ")")
    boolean isPackVisibleToAccount(UUID packId, UUID accountId);

    /**
     * One page of the ids of the packs that the managed account {@code accountId} may see and
     * install now (the rule of {@link #PACK_VISIBLE_TO_ACCOUNT}), each once however many of its
     * groups share it, in creation order. Only the account's own partner's packs are scanned.
     *
     * @param accountId the managed account
     * @param after the last id of the previous page, or the nil UUID for the first page
     * @param limit the page size
     */
    @Query("SELECT p.id FROM integration_packs p JOIN accounts acting ON acting.id = :accountId"
            + " WHERE p.partner_account_id = acting.parent_account_id"
            + " AND p.id > :after AND "
            + PACK_VISIBLE_TO_ACCOUNT
            + " ORDER BY p.id LIMIT :limit")
    List<UUID> findPackIdsVisibleToAccount(UUID accountId, UUID after, int limit);
}
