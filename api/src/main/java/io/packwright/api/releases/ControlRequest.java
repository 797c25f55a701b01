package io.packwright.api.releases;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.packwright.api.validation.TextRules;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * The body of a cancel, pause or abort: why, if the partner says. The body may be left out.
 *
 * @param reason at most 1,000 characters; shown on the release ({@code statusReason}, and {@code
 *     rollout.pausedReason} while it is paused) and in the webhook event
 */
@Serdeable
public record ControlRequest(
        @Nullable @Size(max = 1_000) @Pattern(regexp = TextRules.TEXT, message = TextRules.TEXT_MESSAGE)
        String reason) {}
