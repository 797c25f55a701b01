package io.packwright.activities.store.managed;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.util.UUID;

/**
 * The bookkeeping of queued secret sweeps, by key. Queueing, claiming and walking a sweep are
 * set-based and live in {@link SecretSweepStore}. Every method needs a surrounding transaction.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface SecretKeySweepRepository extends GenericRepository<SecretKeySweepEntity, UUID> {

    /** Records how far the sweep {@code id} got: {@code after} is the last instance it has done. */
    @Query("UPDATE secret_key_sweeps SET after_instance_id = :after WHERE id = :id")
    void advance(UUID id, UUID after);

    /** Removes the sweep {@code id}, which has walked all of its pack's instances. */
    @Query("DELETE FROM secret_key_sweeps WHERE id = :id")
    void finish(UUID id);

    /** How many sweeps are queued. */
    @Query("SELECT count(*) FROM secret_key_sweeps")
    long countQueued();
}
