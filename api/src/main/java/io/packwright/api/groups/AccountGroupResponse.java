package io.packwright.api.groups;

import io.micronaut.serde.annotation.Serdeable;
import io.packwright.activities.store.group.AccountGroupSummary;
import io.packwright.api.paging.JsonBytes;
import java.util.List;
import java.util.UUID;

/**
 * An account group: managed accounts of a partner (members) and the integration packs shared
 * with them (resources). A managed account can see and install a pack only while the pack is a
 * resource of a group that the account is a member of.
 *
 * <p>A group can have any number of members and packs, so the response lists at most {@value
 * #MAX_LISTED} of each, the first ones in the order of the paged sub-resources {@code GET
 * /api/v1/account-groups/{id}/accounts} and {@code .../integration-packs}, which give the whole
 * lists; {@code accountCount} and {@code integrationPackCount} tell whether there are more.
 *
 * @param id the group id
 * @param name its name, unique among the partner's groups
 * @param accountIds the first 100 member managed accounts in creation order of the accounts (the
 *     order of {@code GET /api/v1/account-groups/{id}/accounts}, which lists all of them)
 * @param integrationPackIds the first 100 integration packs shared with the members, in creation
 *     order of the packs (the order of {@code GET /api/v1/account-groups/{id}/integration-packs},
 *     which lists all of them); deleted packs never appear
 * @param accountCount how many managed accounts are members; more than {@code accountIds} holds when
 *     above 100
 * @param integrationPackCount how many integration packs are shared with the members; more than
 *     {@code integrationPackIds} holds when above 100
 */
@Serdeable
public record AccountGroupResponse(
        UUID id,
        String name,
        List<UUID> accountIds,
        List<UUID> integrationPackIds,
        long accountCount,
        long integrationPackCount) {

    /** How many member ids and how many pack ids a group response lists at most. */
    public static final int MAX_LISTED = 100;

    // the fields without the name and the lists, with room for long counts
    private static final int FIXED_BYTES = 160;

    /** About how many bytes the group takes in a response body, from its counts. */
    static long approximateBytes(AccountGroupSummary group) {
        return FIXED_BYTES
                + JsonBytes.text(group.name())
                + (long) JsonBytes.UUID
                        * (Math.min(group.accountCount(), MAX_LISTED)
                                + Math.min(group.integrationPackCount(), MAX_LISTED));
    }
}
