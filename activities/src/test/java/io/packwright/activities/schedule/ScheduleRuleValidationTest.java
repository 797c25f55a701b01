package io.packwright.activities.schedule;

import static io.packwright.activities.schedule.Fires.assertRejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rules validate their ranges when they are built, with messages a person can act on. */
class ScheduleRuleValidationTest {

    @Test
    void everyMinutesAcceptsOneToADay() {
        assertEquals(1, new ScheduleRule.EveryMinutes(1).every());
        assertEquals(1440, new ScheduleRule.EveryMinutes(1440).every());
        assertTrue(assertRejected(() -> new ScheduleRule.EveryMinutes(0)).contains("between 1 and 1440"));
        assertTrue(assertRejected(() -> new ScheduleRule.EveryMinutes(1441)).contains("not 1441"));
        assertRejected(() -> new ScheduleRule.EveryMinutes(-5));
    }

    @Test
    void hourlyAcceptsOneToTwentyFourHoursAndMinutesOfAnHour() {
        assertEquals(new ScheduleRule.Hourly(24, 59), new ScheduleRule.Hourly(24, 59));
        new ScheduleRule.Hourly(1, 0);
        assertTrue(assertRejected(() -> new ScheduleRule.Hourly(0, 0)).contains("every must be between 1 and 24"));
        assertTrue(assertRejected(() -> new ScheduleRule.Hourly(25, 0)).contains("not 25"));
        assertTrue(assertRejected(() -> new ScheduleRule.Hourly(1, 60)).contains("minute must be between 0 and 59"));
        assertRejected(() -> new ScheduleRule.Hourly(1, -1));
    }

    @Test
    void dailyNeedsAWholeMinuteAndASetOfDays() {
        assertTrue(assertRejected(() -> new ScheduleRule.Daily(LocalTime.of(9, 0, 30), Set.of()))
                .contains("whole minute"));
        assertRejected(() -> new ScheduleRule.Daily(LocalTime.of(9, 0, 0, 1), Set.of()));
        assertTrue(assertRejected(() -> new ScheduleRule.Daily(null, Set.of())).contains("at"));
        assertTrue(assertRejected(() -> new ScheduleRule.Daily(LocalTime.NOON, null))
                .contains("empty set"));
        assertRejected(
                () -> new ScheduleRule.Daily(LocalTime.NOON, new HashSet<>(Arrays.asList(DayOfWeek.MONDAY, null))));
    }

    @Test
    void dailyKeepsAnImmutableCopyOfTheDays() {
        Set<DayOfWeek> days = new HashSet<>(Set.of(DayOfWeek.MONDAY, DayOfWeek.FRIDAY));
        ScheduleRule.Daily daily = new ScheduleRule.Daily(LocalTime.of(9, 0), days);
        days.add(DayOfWeek.SUNDAY);

        assertEquals(EnumSet.of(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), daily.daysOfWeek());
        assertThrows(
                UnsupportedOperationException.class, () -> daily.daysOfWeek().add(DayOfWeek.TUESDAY));
        assertEquals(new ScheduleRule.Daily(LocalTime.of(9, 0), EnumSet.of(DayOfWeek.FRIDAY, DayOfWeek.MONDAY)), daily);
        assertTrue(new ScheduleRule.Daily(LocalTime.of(9, 0), Set.of())
                .daysOfWeek()
                .isEmpty());
    }

    @Test
    void monthlyAcceptsDaysOneToThirtyOneAtAWholeMinute() {
        new ScheduleRule.Monthly(1, LocalTime.MIDNIGHT);
        new ScheduleRule.Monthly(31, LocalTime.of(23, 59));
        assertTrue(assertRejected(() -> new ScheduleRule.Monthly(0, LocalTime.NOON))
                .contains("between 1 and 31"));
        assertTrue(assertRejected(() -> new ScheduleRule.Monthly(32, LocalTime.NOON))
                .contains("not 32"));
        assertRejected(() -> new ScheduleRule.Monthly(1, LocalTime.of(12, 0, 1)));
        assertRejected(() -> new ScheduleRule.Monthly(1, null));
    }

    @Test
    void cronIsCheckedWhenBuilt() {
        assertEquals("0 9 * * MON-FRI", new ScheduleRule.Cron("0 9 * * MON-FRI").expression());

        assertEquals(
                "cron expression '0 0 12 * * ?' must have 5 fields (minute hour day-of-month month day-of-week),"
                        + " not 6",
                assertRejected(() -> new ScheduleRule.Cron("0 0 12 * * ?")));
        assertTrue(assertRejected(() -> new ScheduleRule.Cron("0 0 30 2 *")).contains("never matches"));
        assertTrue(assertRejected(() -> new ScheduleRule.Cron(null)).contains("empty"));
        String tooLong = "0 0 * * " + "1,".repeat(100) + "1";
        assertEquals(
                "cron expression must be at most 200 characters long, not " + tooLong.length(),
                assertRejected(() -> new ScheduleRule.Cron(tooLong)));
    }
}
