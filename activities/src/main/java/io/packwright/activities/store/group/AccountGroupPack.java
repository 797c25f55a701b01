package io.packwright.activities.store.group;

import io.micronaut.core.annotation.Introspected;
import java.time.Instant;
import java.util.UUID;

/**
 * A live pack resource of a group.
 *
 * @param integrationPackId the integration pack
 * @param integrationPackName its name
 * @param addedAt when it was shared with the group
 */
@Introspected
public record AccountGroupPack(UUID integrationPackId, String integrationPackName, Instant addedAt) {}
