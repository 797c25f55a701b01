package io.packwright.activities.store.pack;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import io.packwright.activities.store.group.AccountGroupRepository;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Integration pack rows and their members. Reads of a pack's state for clients go through {@link
 * IntegrationPackStore}, which computes its release summary; this repository creates packs, changes
 * them and their members under a row lock, and reads the pack a managed account may install.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface IntegrationPackRepository extends CrudRepository<IntegrationPackEntity, UUID> {

    /** The most components a pack can hold. */
    int MAX_MEMBERS = 100;

    /**
     * The newest shareable package of the member {@code m}, after the column that a subquery reads
     * of it: the tail of {@link #NEWEST_SHAREABLE_ID} and {@link #NEWEST_SHAREABLE_VERSION}.
     */
    String OF_NEWEST_SHAREABLE = """
            FROM packaged_components pc
             WHERE pc.component_id = m.component_id AND pc.shareable
             ORDER BY pc.id DESC LIMIT 1)""";

    /**
     * The id of the newest shareable package of the member {@code m} (a row of {@code
     * integration_pack_members}), as an SQL subquery: the highest id among its shareable packages
     * (ids are time-ordered), one probe of {@code packaged_components_newest_shareable_idx}.
     */
    String NEWEST_SHAREABLE_ID = "(SELECT pc.id " + OF_NEWEST_SHAREABLE;

    /** Like {@link #NEWEST_SHAREABLE_ID}, its package version. */
    String NEWEST_SHAREABLE_VERSION = "(SELECT pc.package_version " + OF_NEWEST_SHAREABLE;

    /** The partial unique index that keeps live pack names unique per partner. */
    String NAME_UNIQUE = "integration_packs_name_unique";

    /** The live pack {@code id} of {@code partnerAccountId}; empty when deleted or another partner's. */
    @Query("SELECT * FROM integration_packs WHERE id = :id AND partner_account_id = :partnerAccountId"
            + " AND deleted_at IS NULL")
    Optional<IntegrationPackEntity> findLive(UUID id, UUID partnerAccountId);

    /**
     * Locks a live pack of {@code partnerAccountId} until the end of the transaction, so that changes
     * to it and to its contents (member count, extension checks, deletion) happen one at a time.
     *
     * @return empty when there is no such pack, it belongs to another partner, or it is deleted
     */
    @Query("SELECT * FROM integration_packs WHERE id = :id AND partner_account_id = :partnerAccountId"
            + " AND deleted_at IS NULL FOR UPDATE")
    Optional<IntegrationPackEntity> lockLive(UUID id, UUID partnerAccountId);

    /**
     * The pack {@code packId} if it is visible to the managed account {@code accountId} (the rule of
     * {@link AccountGroupRepository#PACK_VISIBLE_TO_ACCOUNT}), read {@code FOR SHARE}: until this
     * transaction ends it cannot be deleted, and the visibility (including {@code deleted_at}) is
     * evaluated again on the locked row. Needs a surrounding read-write transaction.
     */
    @Query("SELECT p.* FROM integration_packs p JOIN accounts acting ON acting.id = :accountId"
            + " WHERE p.id = :packId AND " + AccountGroupRepository.PACK_VISIBLE_TO_ACCOUNT
            + " FOR SHARE OF p")
    Optional<IntegrationPackEntity> lockVisibleToAccount(UUID packId, UUID accountId);

    /** Records a change of the pack's name, description or contents. */
    @Query("UPDATE integration_packs SET updated_at = :updatedAt WHERE id = :id")
    void touch(UUID id, Instant updatedAt);

    // --- members ---

    /** Whether {@code componentId} is a member of {@code packId}. */
    @Query("""
            SELECT EXISTS (SELECT 1 FROM integration_pack_members
                            WHERE integration_pack_id = :packId AND component_id = :componentId)""")
    boolean isMember(UUID packId, UUID componentId);

    /** How many components are members of {@code packId}. */
    @Query("SELECT count(*) FROM integration_pack_members WHERE integration_pack_id = :packId")
    int countMembers(UUID packId);

    /**
     * Makes {@code componentId} a member of {@code packId}; nothing when it already is one.
     *
     * @return 1 when added, 0 when it was a member already
     */
    @Query("""
            INSERT INTO integration_pack_members (integration_pack_id, component_id, added_at)
            VALUES (:packId, :componentId, :addedAt) ON CONFLICT DO NOTHING""")
    int addMember(UUID packId, UUID componentId, Instant addedAt);

    /**
     * Removes {@code componentId} from {@code packId}.
     *
     * @return 1 when removed, 0 when it was not a member
     */
    @Query("DELETE FROM integration_pack_members WHERE integration_pack_id = :packId AND component_id = :componentId")
    int removeMember(UUID packId, UUID componentId);

    /**
     * The publications of {@code packId}: each member and each component of its current or pending
     * release, ordered by component name.
     */
    @Query("""
            WITH pack AS (
                SELECT p.id, p.current_release_id AS current_id,
                       (SELECT r.id FROM releases r
                         WHERE r.integration_pack_id = p.id AND r.status = 'SCHEDULED') AS pending_id
                FROM integration_packs p WHERE p.id = :packId),
            cur AS (SELECT rc.component_id, rc.package_version
                      FROM release_components rc JOIN pack ON rc.release_id = pack.current_id),
            pend AS (SELECT rc.component_id, rc.package_version
                       FROM release_components rc JOIN pack ON rc.release_id = pack.pending_id),
            mem AS (SELECT m.component_id
                      FROM integration_pack_members m JOIN pack ON m.integration_pack_id = pack.id)
            SELECT c.id AS component_id, c.name AS component_name, c.type AS component_type,
                   cur.package_version AS current_version,
                   pend.package_version AS pending_version,\s""" + NEWEST_SHAREABLE_VERSION + """
                    AS latest_version,
                   m.component_id IS NULL AS deleted
            FROM (SELECT component_id FROM mem
                  UNION SELECT component_id FROM cur
                  UNION SELECT component_id FROM pend) listed
            JOIN components c ON c.id = listed.component_id
            LEFT JOIN cur ON cur.component_id = c.id
            LEFT JOIN pend ON pend.component_id = c.id
            LEFT JOIN mem m ON m.component_id = c.id
            ORDER BY c.name, c.id""")
    List<Publication> findPublications(UUID packId);
}
