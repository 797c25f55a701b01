package io.packwright.activities.store.group;

import io.micronaut.core.annotation.Introspected;
import java.time.Instant;
import java.util.UUID;

/**
 * A member account of a group.
 *
 * @param accountId the managed account
 * @param accountName its name
 * @param addedAt when it became a member
 */
@Introspected
public record AccountGroupMember(UUID accountId, String accountName, Instant addedAt) {}
