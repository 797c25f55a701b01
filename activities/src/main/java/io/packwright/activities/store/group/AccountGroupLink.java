package io.packwright.activities.store.group;

import io.micronaut.core.annotation.Introspected;
import java.util.UUID;

/**
 * One member account or one pack resource of a group, as read for many groups at once.
 *
 * @param accountGroupId the group
 * @param targetId the member account id, or the integration pack id
 */
@Introspected
public record AccountGroupLink(UUID accountGroupId, UUID targetId) {}
