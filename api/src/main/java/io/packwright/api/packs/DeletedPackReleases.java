package io.packwright.api.packs;

import java.util.List;
import java.util.UUID;

/**
 * The release workflows of a deleted pack that may still be running.
 *
 * @param integrationPackId the deleted pack
 * @param workflowIds the workflow ids of its releases that did not end as {@code RELEASED}; their rows
 *     are already {@code CANCELLED} (or {@code SUPERSEDED})
 */
public record DeletedPackReleases(UUID integrationPackId, List<String> workflowIds) {}
