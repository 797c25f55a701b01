package io.packwright.activities.store.managed;

import io.micronaut.data.annotation.Embeddable;
import io.micronaut.data.annotation.EmbeddedId;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.MappedProperty;
import java.time.Instant;
import java.util.UUID;

/**
 * A row of {@code release_apply_requests}: a manual apply of a pending release to an instance,
 * queued durably until the release's workflow applies it.
 *
 * @param id the release and the instance
 * @param requestedAt when it was asked for
 */
@MappedEntity("release_apply_requests")
public record ApplyRequestEntity(@EmbeddedId Key id, Instant requestedAt) {

    /**
     * The primary key of {@code release_apply_requests}.
     *
     * @param releaseId the release to apply
     * @param integrationPackInstanceId the instance to apply it to
     */
    @Embeddable
    public record Key(
            @MappedProperty("release_id") UUID releaseId,
            @MappedProperty("integration_pack_instance_id") UUID integrationPackInstanceId) {}
}
