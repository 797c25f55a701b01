package io.packwright.activities.store.managed;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import io.packwright.activities.store.group.AccountGroupRepository;
import io.packwright.activities.store.pack.IntegrationPackEntity;
import java.util.List;
import java.util.UUID;

/**
 * The integration packs that a managed account can install now: visible to it through its account
 * groups ({@link AccountGroupRepository#PACK_VISIBLE_TO_ACCOUNT}) and with a current release.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface AvailablePackRepository extends GenericRepository<IntegrationPackEntity, UUID> {

    /**
     * One page of the packs that {@code accountId} can install, in creation order. Only the
     * account's own partner's packs are scanned.
     *
     * @param accountId the managed account
     * @param after the last id of the previous page, or the nil UUID for the first page
     * @param limit the page size
     */
    @Query("""
            SELECT p.id, p.name, p.description, p.installation_type,
                   cur.release_number AS current_release_number,
                   COALESCE(cur.started_at, cur.created_at) AS current_released_at,
                   pend.release_number AS pending_release_number, pend.release_on_date AS pending_release_on_date,
                   pend.window_start AS pending_window_start
            FROM integration_packs p
            JOIN releases cur ON cur.id = p.current_release_id
            LEFT JOIN releases pend ON pend.integration_pack_id = p.id AND pend.status = 'SCHEDULED'
            JOIN accounts acting ON acting.id = :accountId
            WHERE p.partner_account_id = acting.parent_account_id
              AND p.id > :after AND\s""" + AccountGroupRepository.PACK_VISIBLE_TO_ACCOUNT + " ORDER BY p.id LIMIT :limit")
    List<AvailablePack> findPage(UUID accountId, UUID after, int limit);
}
