package io.packwright.activities.store.managed;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Environments of managed accounts. Every method is scoped by the owning account, so a row of
 * another account is indistinguishable from an unknown id.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface EnvironmentRepository extends GenericRepository<EnvironmentEntity, UUID> {

    /**
     * Creates an environment unless the account already has one with this name. Race-free: of two
     * concurrent inserts of one name the second inserts nothing.
     *
     * @return 1 when created, 0 when the name is taken
     */
    @Query("""
            INSERT INTO environments (id, account_id, name, classification, created_at)
            VALUES (:id, :accountId, :name, :classification, :createdAt)
            ON CONFLICT ON CONSTRAINT environments_name_unique DO NOTHING""")
    int insertUnlessNameTaken(UUID id, UUID accountId, String name, String classification, Instant createdAt);

    /**
     * One page of the account's environments in creation order.
     *
     * @param accountId the managed account
     * @param after the last id of the previous page, or the nil UUID for the first page
     * @param limit the page size
     */
    @Query("""
            SELECT * FROM environments
            WHERE account_id = :accountId AND id > :after ORDER BY id LIMIT :limit""")
    List<EnvironmentEntity> findPage(UUID accountId, UUID after, int limit);

    /** The account's environment {@code id}. */
    @Query("SELECT * FROM environments WHERE id = :id AND account_id = :accountId")
    Optional<EnvironmentEntity> findOwned(UUID id, UUID accountId);

    /**
     * The account's environment {@code id}, locked {@code FOR UPDATE} so that it cannot be deleted
     * before this transaction ends. The lock includes the one that bumping its revision takes
     * (migration V9), so that two transactions that attach to it and bump it wait for each other
     * instead of each holding a share lock that the other's bump waits for. Needs a surrounding
     * read-write transaction.
     */
    @Query("SELECT * FROM environments WHERE id = :id AND account_id = :accountId FOR UPDATE")
    Optional<EnvironmentEntity> lockOwned(UUID id, UUID accountId);

    /**
     * Deletes the account's environment {@code id}; its attachments go with it.
     *
     * @return 1 when deleted, 0 when the account has no such environment
     */
    @Query("DELETE FROM environments WHERE id = :id AND account_id = :accountId")
    int deleteOwned(UUID id, UUID accountId);
}
