package io.packwright.activities.store.account;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/**
 * A row of {@code accounts}. Partners have a time zone and features; managed accounts have a
 * parent partner and never features (the database enforces both).
 */
@MappedEntity("accounts")
public record AccountEntity(
        @Id UUID id,
        String name,
        AccountType type,
        @Nullable UUID parentAccountId,
        @Nullable String timeZone,
        boolean integrationPackManagement,
        boolean multiInstallPacks,
        Instant createdAt,
        Instant updatedAt) {

    /** Whether this account is a partner. */
    public boolean isPartner() {
        return type == AccountType.PARTNER;
    }
}
