package io.packwright.api.packs;

import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/**
 * A pack's publications, ordered by component name. At most 300, so never paginated: the members
 * and the content of the current and of the pending release are each at most {@link
 * io.packwright.activities.store.pack.IntegrationPackRepository#MAX_MEMBERS} (100) components (a release
 * freezes the members it was created from), and an item holds a name and three versions of at most
 * 255 characters each.
 *
 * @param items one per member and per component of the current or pending release
 */
@Serdeable
public record PublicationsResponse(List<PublicationResponse> items) {}
