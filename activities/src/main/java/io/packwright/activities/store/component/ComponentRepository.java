package io.packwright.activities.store.component;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Partners' components. Every read is scoped to the owning partner. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface ComponentRepository extends CrudRepository<ComponentEntity, UUID> {

    /** The component {@code id} if it belongs to {@code partnerAccountId}. */
    @Query("SELECT * FROM components WHERE id = :id AND partner_account_id = :partnerAccountId")
    Optional<ComponentEntity> findOwned(UUID id, UUID partnerAccountId);

    /**
     * One page of a partner's components in creation order.
     *
     * @param partnerAccountId the partner
     * @param after the last id of the previous page, or the nil UUID for the first page
     * @param limit the page size
     */
    @Query("SELECT * FROM components WHERE partner_account_id = :partnerAccountId AND id > :after"
            + " ORDER BY id LIMIT :limit")
    List<ComponentEntity> findPage(UUID partnerAccountId, UUID after, int limit);

    /**
     * One page of a partner's components whose name contains {@code text}, ignoring case, in
     * creation order.
     *
     * @param after the last id of the previous page, or the nil UUID for the first page
     */
    @Query("SELECT * FROM components WHERE partner_account_id = :partnerAccountId AND id > :after"
            + " AND strpos(lower(name), lower(:text)) > 0 ORDER BY id LIMIT :limit")
    List<ComponentEntity> findPageNamed(UUID partnerAccountId, String text, UUID after, int limit);
}
