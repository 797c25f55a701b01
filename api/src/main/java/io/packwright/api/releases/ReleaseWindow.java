package io.packwright.api.releases;

import io.micronaut.core.annotation.Nullable;
import io.packwright.api.problem.ApiException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * The rule for the {@code releaseOnDate} of a scheduled release, and the window that the date gives.
 * Creating a release applies it, and so must anything that moves a scheduled release to another
 * date, so that every scheduled release obeys the same bounds.
 *
 * <p>The date must be after today and at most {@link #MAX_DAYS_AHEAD} days after today, both in the
 * partner's time zone at the moment of the request. The upper bound keeps a pack's only pending slot
 * (one scheduled release per pack) from being held for years by one request. The window starts at
 * the first valid instant of that day in that zone (where a DST change skips midnight, the day
 * starts at the end of the gap) and lasts {@link #LENGTH}.
 *
 * @param releaseOnDate the scheduled day
 * @param start the start of the window, a UTC instant
 * @param end the end of the window, {@link #LENGTH} after {@code start}
 */
record ReleaseWindow(LocalDate releaseOnDate, Instant start, Instant end) {

    /** How many days after today (in the partner's time zone) a release may be scheduled at most. */
    static final int MAX_DAYS_AHEAD = 365;

    /** How long the release window lasts. */
    static final Duration LENGTH = Duration.ofHours(1);

    /**
     * The window of a release scheduled for {@code releaseOnDate}; {@code 400} naming the field
     * {@code field} when the date is missing, not after today or too far ahead.
     *
     * @param field the request field that holds the date, for the problem response
     * @param releaseOnDate the requested day
     * @param zone the partner's time zone
     * @param now the moment of the request
     */
    static ReleaseWindow of(String field, @Nullable LocalDate releaseOnDate, ZoneId zone, Instant now) {
        if (releaseOnDate == null) {
            throw ApiException.invalidField(
                    field, "is required for RELEASE_ON_SPECIFIED_DATE (a date such as 2026-12-01)");
        }
        LocalDate today = LocalDate.ofInstant(now, zone);
        if (!releaseOnDate.isAfter(today)) {
            throw ApiException.invalidField(
                    field,
                    "must be after today (" + today + " in your time zone " + zone
                            + "); use IMMEDIATELY to release now");
        }
        LocalDate latest = today.plusDays(MAX_DAYS_AHEAD);
        if (releaseOnDate.isAfter(latest)) {
            throw ApiException.invalidField(
                    field,
                    "must be at most " + MAX_DAYS_AHEAD + " days after today (" + today + " in your time zone " + zone
                            + "): the latest allowed date is " + latest);
        }
        Instant start = releaseOnDate.atStartOfDay(zone).toInstant();
        return new ReleaseWindow(releaseOnDate, start, start.plus(LENGTH));
    }
}
