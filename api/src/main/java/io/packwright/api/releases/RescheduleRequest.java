package io.packwright.api.releases;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.LocalDate;

/**
 * Moves a scheduled release to another day.
 *
 * @param releaseOnDate the new day, in the partner's time zone; the same rules as creating a release:
 *     after today and at most 365 days after today
 */
@Serdeable
public record RescheduleRequest(@Nullable LocalDate releaseOnDate) {}
