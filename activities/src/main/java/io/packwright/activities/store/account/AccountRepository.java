package io.packwright.activities.store.account;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.util.List;
import java.util.UUID;

/** Accounts: partners (created by platform operators) and their managed accounts. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface AccountRepository extends CrudRepository<AccountEntity, UUID> {

    /**
     * One page of partner accounts in creation order.
     *
     * @param after the last id of the previous page, or the nil UUID for the first page
     * @param limit the page size
     */
    @Query("SELECT * FROM accounts WHERE type = 'PARTNER' AND id > :after ORDER BY id LIMIT :limit")
    List<AccountEntity> findPartnersPage(UUID after, int limit);

    /**
     * One page of a partner's managed accounts in creation order.
     *
     * @param parentAccountId the partner
     * @param after the last id of the previous page, or the nil UUID for the first page
     * @param limit the page size
     */
    @Query("SELECT * FROM accounts WHERE parent_account_id = :parentAccountId AND id > :after ORDER BY id LIMIT :limit")
    List<AccountEntity> findManagedPage(UUID parentAccountId, UUID after, int limit);
}
