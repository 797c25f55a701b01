package io.packwright.activities.store.group;

import io.micronaut.core.annotation.Introspected;
import java.util.UUID;

/**
 * An account group with the number of its members and of its live pack resources, as read for a
 * page of groups.
 *
 * @param id the group
 * @param name its name
 * @param accountCount how many managed accounts are members of it
 * @param integrationPackCount how many live (not deleted) integration packs are resources of it
 */
@Introspected
public record AccountGroupSummary(UUID id, String name, long accountCount, long integrationPackCount) {}
