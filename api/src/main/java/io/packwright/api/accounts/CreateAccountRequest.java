package io.packwright.api.accounts;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.packwright.activities.store.account.AccountType;
import io.packwright.api.validation.TextRules;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Creates an account. A platform operator creates partners ({@code PARTNER}, with a time zone and
 * features); a partner creates its managed accounts ({@code MANAGED}).
 *
 * @param name 1 to 255 characters
 * @param type {@code PARTNER} (operators) or {@code MANAGED} (partners)
 * @param timeZone required for partners; a managed account defaults to its partner's
 * @param features partners only; absent flags are off
 */
@Serdeable
public record CreateAccountRequest(
        @NotNull @Size(min = 1, max = 255) @Pattern(regexp = TextRules.NAME, message = TextRules.NAME_MESSAGE)
        String name,

        @NotNull AccountType type,
        @Nullable @TimeZoneId String timeZone,
        @Nullable @Schema(type = "object") AccountFeatures features) {}
