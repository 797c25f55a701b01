package io.packwright.activities.store.group;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/**
 * A row of {@code account_groups}: a partner's named set of managed accounts (members) that
 * integration packs (resources) are shared with. The name is unique per partner.
 */
@MappedEntity("account_groups")
public record AccountGroupEntity(@Id UUID id, UUID partnerAccountId, String name, Instant createdAt) {}
