package io.packwright.api.groups;

import io.micronaut.serde.annotation.Serdeable;
import io.packwright.activities.store.group.AccountGroupMember;
import java.time.Instant;
import java.util.UUID;

/**
 * A member of an account group.
 *
 * @param accountId the managed account
 * @param accountName its name
 * @param addedAt when it became a member of the group
 */
@Serdeable
public record AccountGroupAccountResponse(UUID accountId, String accountName, Instant addedAt) {

    static AccountGroupAccountResponse of(AccountGroupMember member) {
        return new AccountGroupAccountResponse(member.accountId(), member.accountName(), member.addedAt());
    }
}
