package io.packwright.api.accounts;

import java.time.ZoneId;
import java.util.regex.Pattern;

/**
 * The time zones an account may have: an IANA zone id ({@code Europe/Berlin}) or a fixed UTC offset
 * ({@code +05:30}). Both parse with {@link ZoneId#of(String)}, which is how release windows are
 * computed from them.
 */
final class TimeZones {

    private static final Pattern OFFSET = Pattern.compile("[+-](0\\d|1[0-8]):[0-5]\\d");

    private TimeZones() {}

    static boolean isValid(String zone) {
        if (OFFSET.matcher(zone).matches()) {
            int hours = Integer.parseInt(zone.substring(1, 3));
            int minutes = Integer.parseInt(zone.substring(4, 6));
            return hours < 18 || minutes == 0;
        }
        return ZoneId.getAvailableZoneIds().contains(zone);
    }
}
