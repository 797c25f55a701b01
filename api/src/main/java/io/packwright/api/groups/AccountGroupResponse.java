package io.packwright.api.groups;

import io.micronaut.serde.annotation.Serdeable;
import java.util.List;
import java.util.UUID;

/**
 * An account group: managed accounts of a partner (members) and the integration packs shared
 * with them (resources). A managed account can see and install a pack only while the pack is a
 * resource of a group that the account is a member of.
 *
 * @param id the group id
 * @param name its name, unique among the partner's groups
 * @param accountIds the member managed accounts, in creation order of the accounts
 * @param integrationPackIds the integration packs shared with the members (deleted packs never
 *     appear), in creation order of the packs
 */
@Serdeable
public record AccountGroupResponse(UUID id, String name, List<UUID> accountIds, List<UUID> integrationPackIds) {}
