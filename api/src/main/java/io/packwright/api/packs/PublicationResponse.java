package io.packwright.api.packs;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.packwright.activities.store.component.ComponentType;
import io.packwright.activities.store.pack.Publication;
import java.util.UUID;

/**
 * A component of a pack's publications: a member, or a component of its current or pending release.
 *
 * @param componentId the component
 * @param componentName its name
 * @param componentType its type
 * @param currentVersion its {@code packageVersion} in the current release, else {@code null}
 * @param pendingVersion its {@code packageVersion} in the pending release, else {@code null}
 * @param latestVersion its newest shareable {@code packageVersion}, what a new release would take;
 *     {@code null} when {@code deleted}
 * @param deleted it is no longer a member and will not be in the next release
 */
@Serdeable
public record PublicationResponse(
        UUID componentId,
        String componentName,
        ComponentType componentType,
        @Nullable String currentVersion,
        @Nullable String pendingVersion,
        @Nullable String latestVersion,
        boolean deleted) {

    static PublicationResponse of(Publication publication) {
        return new PublicationResponse(
                publication.componentId(),
                publication.componentName(),
                publication.componentType(),
                publication.currentVersion(),
                publication.pendingVersion(),
                publication.latestVersion(),
                publication.deleted());
    }
}
