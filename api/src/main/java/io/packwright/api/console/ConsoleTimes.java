package io.packwright.api.console;

import io.micronaut.core.annotation.Nullable;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** How the console shows an instant: in the viewer's account time zone, with the UTC instant beside it. */
public final class ConsoleTimes {

    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z", Locale.ROOT);

    private ConsoleTimes() {}

    /** The instant in the zone, to the minute with the zone's abbreviation; an empty text for none. */
    public static String local(@Nullable Instant instant, ZoneId zone) {
        return instant == null ? "" : LOCAL.format(instant.atZone(zone));
    }

    /** The UTC instant, ISO-8601 to the second (for {@code datetime} and titles). */
    public static String utc(@Nullable Instant instant) {
        return instant == null ? "" : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
