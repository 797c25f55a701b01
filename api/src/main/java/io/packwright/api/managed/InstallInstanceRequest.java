package io.packwright.api.managed;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.packwright.api.validation.TextRules;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Map;
import java.util.UUID;

/**
 * Installs an integration pack in a managed account.
 *
 * @param accountId the managed account to act for; required for a partner
 * @param integrationPackId a pack shared with the account that has a current release
 * @param integrationPackOverrideName the instance's name: required for a MULTI pack (unique per
 *     account and pack), absent for a SINGLE pack
 * @param extensionValues values by extension key; keys must be declared by the pack's current or
 *     pending release. At most 200 values of at most 8192 characters each, and at most 512 KiB
 *     (524288 bytes) of UTF-8 in all values together; beyond any of these limits the request is a
 *     400 naming it
 */
@Serdeable
public record InstallInstanceRequest(
        @Nullable UUID accountId,
        @NotNull UUID integrationPackId,

        @Nullable @Size(min = 1, max = 255) @Pattern(regexp = TextRules.NAME, message = TextRules.NAME_MESSAGE)
        String integrationPackOverrideName,

        @Nullable @Size(max = ExtensionValueLimits.MAX_VALUES, message = ExtensionValueLimits.TOO_MANY)
        Map<String, String> extensionValues) {}
