package io.packwright.activities.store.component;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Packaged components. They are only ever inserted: a package is immutable, and {@code
 * packaged_components_version_unique} keeps its version unique per component.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface PackagedComponentRepository extends CrudRepository<PackagedComponentEntity, UUID> {

    /** The name of the constraint that keeps {@code package_version} unique per component. */
    String VERSION_UNIQUE = "packaged_components_version_unique";

    /**
     * One page of a component's packages, newest first.
     *
     * @param componentId the component
     * @param before the last id of the previous page, or the largest UUID for the first page
     * @param limit the page size
     */
    @Query("SELECT * FROM packaged_components WHERE component_id = :componentId AND id < :before"
            + " ORDER BY id DESC LIMIT :limit")
    List<PackagedComponentEntity> findNewestFirstPage(UUID componentId, UUID before, int limit);

    /** The newest shareable package of a component: what a pack's next release takes. */
    @Query("SELECT * FROM packaged_components WHERE component_id = :componentId AND shareable"
            + " ORDER BY id DESC LIMIT 1")
    Optional<PackagedComponentEntity> findNewestShareable(UUID componentId);
}
