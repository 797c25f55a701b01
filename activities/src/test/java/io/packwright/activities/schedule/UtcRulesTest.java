package io.packwright.activities.schedule;

import static io.packwright.activities.schedule.Fires.UTC;
import static io.packwright.activities.schedule.Fires.instants;
import static io.packwright.activities.schedule.Fires.next;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.packwright.activities.schedule.ScheduleRule.Cron;
import io.packwright.activities.schedule.ScheduleRule.Daily;
import io.packwright.activities.schedule.ScheduleRule.EveryMinutes;
import io.packwright.activities.schedule.ScheduleRule.Hourly;
import io.packwright.activities.schedule.ScheduleRule.Monthly;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Every rule kind in UTC, where local time and instants coincide: sequences and their boundaries. */
class UtcRulesTest {

    @Nested
    class EveryMinutesRule {

        @Test
        void firesOnMultiplesOfTheIntervalFromMidnight() {
            assertEquals(
                    instants(
                            "2026-01-10T10:15:00Z",
                            "2026-01-10T10:30:00Z",
                            "2026-01-10T10:45:00Z",
                            "2026-01-10T11:00:00Z"),
                    next(new EveryMinutes(15), UTC, "2026-01-10T10:07:00Z", 4));
        }

        @Test
        void afterIsExclusiveAndMayHaveSeconds() {
            assertEquals(instants("2026-01-10T10:01:00Z"), next(new EveryMinutes(1), UTC, "2026-01-10T10:00:00Z", 1));
            assertEquals(instants("2026-01-10T10:01:00Z"), next(new EveryMinutes(1), UTC, "2026-01-10T10:00:30Z", 1));
            assertEquals(
                    instants("2026-01-10T10:01:00Z"),
                    next(new EveryMinutes(1), UTC, "2026-01-10T10:00:59.999999999Z", 1));
            assertEquals(
                    instants("2026-01-10T10:00:00Z"), next(new EveryMinutes(1), UTC, "2026-01-10T09:59:59.999Z", 1));
        }

        @Test
        void minuteFiftyNineRollsOverTheHourTheDayAndTheYear() {
            assertEquals(
                    instants("2026-01-10T10:59:00Z", "2026-01-10T11:00:00Z"),
                    next(new EveryMinutes(1), UTC, "2026-01-10T10:58:00Z", 2));
            assertEquals(
                    instants("2026-12-31T23:59:00Z", "2027-01-01T00:00:00Z", "2027-01-01T00:01:00Z"),
                    next(new EveryMinutes(1), UTC, "2026-12-31T23:58:00Z", 3));
        }

        @Test
        void anIntervalThatDoesNotDivideADayRestartsAtMidnight() {
            // minutes of the day divisible by 7: ..., 1414 (23:34), 1421, 1428, 1435 (23:55), then 0 again
            assertEquals(
                    instants(
                            "2026-01-10T23:34:00Z",
                            "2026-01-10T23:41:00Z",
                            "2026-01-10T23:48:00Z",
                            "2026-01-10T23:55:00Z",
                            "2026-01-11T00:00:00Z",
                            "2026-01-11T00:07:00Z"),
                    next(new EveryMinutes(7), UTC, "2026-01-10T23:30:00Z", 6));
        }

        @Test
        void everyFourteenFortyMinutesIsMidnightOnly() {
            assertEquals(
                    instants("2026-01-11T00:00:00Z", "2026-01-12T00:00:00Z", "2026-01-13T00:00:00Z"),
                    next(new EveryMinutes(1440), UTC, "2026-01-10T00:00:00Z", 3));
            assertEquals(
                    instants("2026-01-11T00:00:00Z"), next(new EveryMinutes(1440), UTC, "2026-01-10T00:01:00Z", 1));
        }

        @Test
        void everySixtyMinutesIsOnTheHour() {
            assertEquals(
                    instants("2026-01-10T11:00:00Z", "2026-01-10T12:00:00Z"),
                    next(new EveryMinutes(60), UTC, "2026-01-10T10:00:00Z", 2));
        }
    }

    @Nested
    class HourlyRule {

        @Test
        void firesAtTheMinuteOfEveryHour() {
            assertEquals(
                    instants("2026-01-10T10:59:00Z", "2026-01-10T11:59:00Z", "2026-01-10T12:59:00Z"),
                    next(new Hourly(1, 59), UTC, "2026-01-10T10:30:00Z", 3));
            assertEquals(instants("2026-01-10T11:59:00Z"), next(new Hourly(1, 59), UTC, "2026-01-10T10:59:00Z", 1));
        }

        @Test
        void firesOnHoursDivisibleByTheInterval() {
            assertEquals(
                    instants(
                            "2026-01-10T05:00:00Z",
                            "2026-01-10T10:00:00Z",
                            "2026-01-10T15:00:00Z",
                            "2026-01-10T20:00:00Z",
                            "2026-01-11T00:00:00Z"),
                    next(new Hourly(5, 0), UTC, "2026-01-10T00:00:00Z", 5));
            // hours 0, 7, 14, 21
            assertEquals(
                    instants("2026-01-11T00:15:00Z", "2026-01-11T07:15:00Z"),
                    next(new Hourly(7, 15), UTC, "2026-01-10T21:15:00Z", 2));
        }

        @Test
        void everyTwentyFourHoursIsOnceADayAfterMidnight() {
            assertEquals(
                    instants("2026-01-10T00:30:00Z", "2026-01-11T00:30:00Z"),
                    next(new Hourly(24, 30), UTC, "2026-01-10T00:29:00Z", 2));
            assertEquals(
                    instants("2026-01-11T00:30:00Z", "2026-01-12T00:30:00Z"),
                    next(new Hourly(24, 30), UTC, "2026-01-10T00:30:00Z", 2));
        }
    }

    @Nested
    class DailyRule {

        @Test
        void everyDayWhenNoDaysAreGiven() {
            Daily nineOClock = new Daily(LocalTime.of(9, 0), Set.of());
            assertEquals(
                    instants("2026-01-11T09:00:00Z", "2026-01-12T09:00:00Z"),
                    next(nineOClock, UTC, "2026-01-10T09:00:00Z", 2));
            assertEquals(instants("2026-01-10T09:00:00Z"), next(nineOClock, UTC, "2026-01-10T08:59:59.999Z", 1));
        }

        @Test
        void onlyOnTheGivenDaysOfTheWeek() {
            Daily mondaysAndFridays = new Daily(LocalTime.of(9, 0), EnumSet.of(DayOfWeek.MONDAY, DayOfWeek.FRIDAY));
            // 2026-01-10 is a Saturday
            assertEquals(
                    instants("2026-01-12T09:00:00Z", "2026-01-16T09:00:00Z", "2026-01-19T09:00:00Z"),
                    next(mondaysAndFridays, UTC, "2026-01-10T12:00:00Z", 3));
            assertEquals(instants("2026-01-16T09:00:00Z"), next(mondaysAndFridays, UTC, "2026-01-16T08:00:00Z", 1));
        }

        @Test
        void aSingleDayAtTheLastMinuteWaitsAWeek() {
            Daily sundayNight = new Daily(LocalTime.of(23, 59), EnumSet.of(DayOfWeek.SUNDAY));
            assertEquals(
                    instants("2026-01-18T23:59:00Z", "2026-01-25T23:59:00Z"),
                    next(sundayNight, UTC, "2026-01-11T23:59:00Z", 2));
        }

        @Test
        void midnight() {
            assertEquals(
                    instants("2027-01-01T00:00:00Z"),
                    next(new Daily(LocalTime.MIDNIGHT, Set.of()), UTC, "2026-12-31T00:00:00Z", 1));
        }
    }

    @Nested
    class MonthlyRule {

        @Test
        void dayThirtyOneRunsOnTheLastDayOfShorterMonths() {
            assertEquals(
                    instants(
                            "2026-01-31T12:00:00Z",
                            "2026-02-28T12:00:00Z",
                            "2026-03-31T12:00:00Z",
                            "2026-04-30T12:00:00Z",
                            "2026-05-31T12:00:00Z",
                            "2026-06-30T12:00:00Z"),
                    next(new Monthly(31, LocalTime.NOON), UTC, "2026-01-01T00:00:00Z", 6));
        }

        @Test
        void inALeapYearFebruaryEndsOnTheTwentyNinth() {
            assertEquals(
                    instants("2028-02-29T12:00:00Z", "2028-03-31T12:00:00Z"),
                    next(new Monthly(31, LocalTime.NOON), UTC, "2028-01-31T12:00:00Z", 2));
            assertEquals(
                    instants("2027-02-28T00:00:00Z", "2027-03-29T00:00:00Z"),
                    next(new Monthly(29, LocalTime.MIDNIGHT), UTC, "2027-01-29T00:00:00Z", 2));
            assertEquals(
                    instants("2028-02-29T00:00:00Z"),
                    next(new Monthly(29, LocalTime.MIDNIGHT), UTC, "2028-01-29T00:00:00Z", 1));
        }

        @Test
        void theSameDayWhenItsTimeIsStillAhead() {
            Monthly fifteenth = new Monthly(15, LocalTime.of(10, 0));
            assertEquals(instants("2026-01-15T10:00:00Z"), next(fifteenth, UTC, "2026-01-15T09:59:00Z", 1));
            assertEquals(instants("2026-02-15T10:00:00Z"), next(fifteenth, UTC, "2026-01-15T10:00:00Z", 1));
        }

        @Test
        void rollsOverTheYear() {
            assertEquals(
                    instants("2027-01-01T00:00:00Z"),
                    next(new Monthly(1, LocalTime.MIDNIGHT), UTC, "2026-12-01T00:00:00Z", 1));
        }
    }

    @Nested
    class CronRule {

        @Test
        void rangesStepsAndDayNames() {
            // 2026-01-09 is a Friday
            assertEquals(
                    instants(
                            "2026-01-09T10:40:00Z",
                            "2026-01-12T09:00:00Z",
                            "2026-01-12T09:20:00Z",
                            "2026-01-12T09:40:00Z",
                            "2026-01-12T10:00:00Z"),
                    next(new Cron("*/20 9-10 * * MON-FRI"), UTC, "2026-01-09T10:30:00Z", 5));
        }

        @Test
        void aStepOverARange() {
            assertEquals(
                    instants(
                            "2026-01-10T10:05:00Z",
                            "2026-01-10T10:20:00Z",
                            "2026-01-10T10:35:00Z",
                            "2026-01-10T10:50:00Z",
                            "2026-01-10T11:05:00Z"),
                    next(new Cron("5-50/15 * * * *"), UTC, "2026-01-10T10:00:00Z", 5));
        }

        @Test
        void lists() {
            assertEquals(
                    instants(
                            "2026-01-01T08:30:00Z",
                            "2026-01-15T08:00:00Z",
                            "2026-01-15T08:30:00Z",
                            "2026-02-01T08:00:00Z"),
                    next(new Cron("0,30 8 1,15 * *"), UTC, "2026-01-01T08:00:00Z", 4));
        }

        @Test
        void monthAndDayNamesInAnyCase() {
            // Sundays of January and July; 2026-01-25 is the last Sunday of January
            assertEquals(
                    instants("2026-07-05T12:00:00Z", "2026-07-12T12:00:00Z"),
                    next(new Cron("0 12 * JAN,jul sun"), UTC, "2026-01-25T12:00:00Z", 2));
        }

        @Test
        void dayOfMonthOrDayOfWeekWhenBothAreRestricted() {
            // Unix cron: the 13th, and every Friday (2026-01-13 is a Tuesday)
            assertEquals(
                    instants(
                            "2026-01-02T00:00:00Z",
                            "2026-01-09T00:00:00Z",
                            "2026-01-13T00:00:00Z",
                            "2026-01-16T00:00:00Z"),
                    next(new Cron("0 0 13 * FRI"), UTC, "2026-01-01T00:00:00Z", 4));
        }

        @Test
        void aStepInTheDayOfMonthCountsAsARestrictionToo() {
            // cron-utils treats any day field but a plain * as restricted: odd days of the month, or Mondays
            // (Vixie cron would read */2 as * and fire on Mondays only)
            assertEquals(
                    instants(
                            "2026-01-03T00:00:00Z",
                            "2026-01-05T00:00:00Z",
                            "2026-01-07T00:00:00Z",
                            "2026-01-09T00:00:00Z",
                            "2026-01-11T00:00:00Z",
                            "2026-01-12T00:00:00Z"),
                    next(new Cron("0 0 */2 * MON"), UTC, "2026-01-01T00:00:00Z", 6));
        }

        @Test
        void sundayIsZeroAndSeven() {
            assertEquals(
                    next(new Cron("0 0 * * 0"), UTC, "2026-01-01T00:00:00Z", 5),
                    next(new Cron("0 0 * * 7"), UTC, "2026-01-01T00:00:00Z", 5));
            assertEquals(instants("2026-01-04T00:00:00Z"), next(new Cron("0 0 * * 7"), UTC, "2026-01-01T00:00:00Z", 1));
        }

        @Test
        void theLastMinuteOfTheYear() {
            assertEquals(
                    instants("2026-12-31T23:59:00Z", "2027-12-31T23:59:00Z"),
                    next(new Cron("59 23 31 12 *"), UTC, "2026-01-01T00:00:00Z", 2));
        }

        @Test
        void theTwentyNinthOfFebruaryAcrossACenturyThatIsNotALeapYear() {
            assertEquals(
                    instants("2028-02-29T00:00:00Z"), next(new Cron("0 0 29 2 *"), UTC, "2026-01-01T00:00:00Z", 1));
            assertEquals(
                    instants("2104-02-29T00:00:00Z"), next(new Cron("0 0 29 2 *"), UTC, "2096-03-01T00:00:00Z", 1));
        }

        @Test
        void afterIsExclusiveAndMayHaveSeconds() {
            Cron halfPastTen = new Cron("30 10 * * *");
            assertEquals(instants("2026-01-11T10:30:00Z"), next(halfPastTen, UTC, "2026-01-10T10:30:00Z", 1));
            assertEquals(instants("2026-01-10T10:30:00Z"), next(halfPastTen, UTC, "2026-01-10T10:29:30Z", 1));
            assertEquals(instants("2026-01-11T10:30:00Z"), next(halfPastTen, UTC, "2026-01-10T10:30:01Z", 1));
        }
    }
}
