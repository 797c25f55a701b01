package io.packwright.api.packs;

import java.util.UUID;

/**
 * A partner deleted a pack; once the transaction commits, {@link DeletedPackSweeper} cleans it up.
 *
 * @param integrationPackId the deleted pack
 */
record PackDeleted(UUID integrationPackId) {}
