package io.packwright.api.accounts;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.packwright.api.validation.TextRules;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Changes an account; absent fields stay as they are. A new time zone applies to releases created
 * afterwards; scheduled ones keep the window computed when they were created.
 *
 * @param name 1 to 255 characters
 * @param timeZone an IANA zone id or a UTC offset
 * @param features platform operators only, partner accounts only
 */
@Serdeable
public record UpdateAccountRequest(
        @Nullable @Size(min = 1, max = 255) @Pattern(regexp = TextRules.NAME, message = TextRules.NAME_MESSAGE)
        String name,

        @Nullable @TimeZoneId String timeZone,
        @Nullable @Schema(type = "object") AccountFeatures features) {}
