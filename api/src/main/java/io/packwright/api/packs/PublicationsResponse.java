package io.packwright.api.packs;

import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/**
 * A pack's publications, ordered by component name. At most a few hundred (100 members, plus the
 * components of its current and pending releases), so never paginated.
 *
 * @param items one per member and per component of the current or pending release
 */
@Serdeable
public record PublicationsResponse(List<PublicationResponse> items) {}
