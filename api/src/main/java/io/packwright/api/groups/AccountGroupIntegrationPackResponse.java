package io.packwright.api.groups;

import io.micronaut.serde.annotation.Serdeable;
import io.packwright.activities.store.group.AccountGroupPack;
import java.time.Instant;
import java.util.UUID;

/**
 * An integration pack shared with the members of an account group.
 *
 * @param integrationPackId the pack
 * @param integrationPackName its name
 * @param addedAt when it was shared with the group
 */
@Serdeable
public record AccountGroupIntegrationPackResponse(UUID integrationPackId, String integrationPackName, Instant addedAt) {

    static AccountGroupIntegrationPackResponse of(AccountGroupPack pack) {
        return new AccountGroupIntegrationPackResponse(
                pack.integrationPackId(), pack.integrationPackName(), pack.addedAt());
    }
}
