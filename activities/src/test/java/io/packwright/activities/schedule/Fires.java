package io.packwright.activities.schedule;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.function.Executable;

/** Shorthands shared by the schedule tests. */
final class Fires {

    static final ZoneId UTC = ZoneId.of("UTC");

    private Fires() {}

    static Instant at(String instant) {
        return Instant.parse(instant);
    }

    static List<Instant> instants(String... instants) {
        return Arrays.stream(instants).map(Instant::parse).toList();
    }

    /** The next {@code count} fire instants of a single rule. */
    static List<Instant> next(ScheduleRule rule, ZoneId zone, String after, int count) {
        return ScheduleRules.next(List.of(rule), zone, Instant.parse(after), count);
    }

    /** Asserts that the call throws IllegalArgumentException with a message a person can act on. */
    static String assertRejected(Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertHuman(e.getMessage());
        return e.getMessage();
    }

    /** A message for a person: one line, no exception or class names, nothing from cron-utils' internals. */
    static void assertHuman(String message) {
        assertFalse(message == null || message.isBlank(), "a message");
        for (String technical :
                List.of("Exception", "exception", "java.", "com.", "cronutils", "Failed to parse", "\n", "\tat ")) {
            assertFalse(message.contains(technical), () -> "'" + technical + "' in message: " + message);
        }
    }
}
