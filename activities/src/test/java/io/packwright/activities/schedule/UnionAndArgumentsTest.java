package io.packwright.activities.schedule;

import static io.packwright.activities.schedule.Fires.UTC;
import static io.packwright.activities.schedule.Fires.assertRejected;
import static io.packwright.activities.schedule.Fires.at;
import static io.packwright.activities.schedule.Fires.instants;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packwright.activities.schedule.ScheduleRule.Cron;
import io.packwright.activities.schedule.ScheduleRule.Daily;
import io.packwright.activities.schedule.ScheduleRule.EveryMinutes;
import io.packwright.activities.schedule.ScheduleRule.Hourly;
import io.packwright.activities.schedule.ScheduleRule.Monthly;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Unions of rules, {@code next(count)}, the arguments' checks and the cost of sparse rules. */
class UnionAndArgumentsTest {

    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @Test
    void aTimeSelectedBySeveralRulesFiresOnce() {
        List<ScheduleRule> rules = List.of(
                new EveryMinutes(30),
                new Hourly(1, 0),
                new Daily(LocalTime.of(10, 0), Set.of()),
                new Cron("0,30 * * * *"));
        assertEquals(
                instants("2026-01-10T10:00:00Z", "2026-01-10T10:30:00Z", "2026-01-10T11:00:00Z"),
                ScheduleRules.next(rules, UTC, at("2026-01-10T09:40:00Z"), 3));
    }

    @Test
    void theUnionInterleavesTheRules() {
        List<ScheduleRule> rules = List.of(
                new Monthly(1, LocalTime.of(9, 45)), new Daily(LocalTime.of(9, 15), EnumSet.of(DayOfWeek.MONDAY)));
        // 2026-05-31 is a Sunday
        assertEquals(
                instants(
                        "2026-06-01T09:15:00Z", "2026-06-01T09:45:00Z", "2026-06-08T09:15:00Z", "2026-06-15T09:15:00Z"),
                ScheduleRules.next(rules, UTC, at("2026-05-31T00:00:00Z"), 4));
    }

    @Test
    void identicalRulesFireOnce() {
        Daily nine = new Daily(LocalTime.of(9, 0), Set.of());
        assertEquals(
                instants("2026-01-10T09:00:00Z", "2026-01-11T09:00:00Z"),
                ScheduleRules.next(List.of(nine, nine, nine), UTC, at("2026-01-10T08:00:00Z"), 2));
    }

    @Test
    void rulesMappedToTheTransitionFireOnceTogether() {
        List<ScheduleRule> rules = List.of(new EveryMinutes(1), new Daily(LocalTime.of(2, 30), Set.of()));
        assertEquals(
                instants("2026-03-29T00:59:00Z", "2026-03-29T01:00:00Z", "2026-03-29T01:01:00Z"),
                ScheduleRules.next(rules, BERLIN, at("2026-03-29T00:58:00Z"), 3));
    }

    @Test
    void nextCountIsStrictlyIncreasingAndAgreesWithRepeatedNext() {
        List<ScheduleRule> rules = List.of(
                new EveryMinutes(45),
                new Hourly(3, 20),
                new Daily(LocalTime.of(2, 30), EnumSet.of(DayOfWeek.SUNDAY)),
                new Monthly(31, LocalTime.of(2, 45)),
                new Cron("*/10 2 * * *"));
        for (Instant start : List.of(at("2026-03-27T00:00:00Z"), at("2026-10-23T13:17:42.5Z"))) {
            List<Instant> fires = ScheduleRules.next(rules, BERLIN, start, 100);
            assertEquals(100, fires.size());
            Instant previous = start;
            for (Instant fire : fires) {
                assertTrue(fire.isAfter(previous), () -> fire + " after " + fires);
                assertEquals(fire, ScheduleRules.next(rules, BERLIN, previous));
                previous = fire;
            }
        }
    }

    @Test
    void theRulesOrderDoesNotMatter() {
        List<ScheduleRule> rules = new ArrayList<>(List.of(
                new EveryMinutes(25), new Hourly(2, 5), new Cron("7 * * * *"), new Monthly(4, LocalTime.of(3, 3))));
        List<Instant> expected = ScheduleRules.next(rules, BERLIN, at("2026-10-24T20:00:00Z"), 100);
        Collections.reverse(rules);
        assertEquals(expected, ScheduleRules.next(rules, BERLIN, at("2026-10-24T20:00:00Z"), 100));
    }

    @Test
    void theResultIsImmutable() {
        List<Instant> fires = ScheduleRules.next(List.of(new EveryMinutes(5)), UTC, at("2026-01-10T00:00:00Z"), 2);
        assertRejectedMutation(fires);
    }

    private static void assertRejectedMutation(List<Instant> fires) {
        try {
            fires.add(Instant.EPOCH);
        } catch (UnsupportedOperationException expected) {
            return;
        }
        throw new AssertionError("the list of fire instants can be changed");
    }

    @Test
    void argumentsAreChecked() {
        Instant after = at("2026-01-10T00:00:00Z");
        List<ScheduleRule> one = List.of(new EveryMinutes(5));
        assertTrue(
                assertRejected(() -> ScheduleRules.next(List.of(), UTC, after)).contains("at least one rule"));
        assertRejected(() -> ScheduleRules.next(null, UTC, after));
        List<ScheduleRule> twentyOne = Collections.nCopies(21, new EveryMinutes(5));
        assertTrue(
                assertRejected(() -> ScheduleRules.next(twentyOne, UTC, after)).contains("at most 20 rules, not 21"));
        assertEquals(
                1,
                ScheduleRules.next(Collections.nCopies(20, new EveryMinutes(5)), UTC, after, 1)
                        .size());
        assertRejected(() -> ScheduleRules.next(Arrays.asList(new EveryMinutes(5), null), UTC, after));
        assertTrue(assertRejected(() -> ScheduleRules.next(one, null, after)).contains("time zone"));
        assertRejected(() -> ScheduleRules.next(one, UTC, null));
        assertRejected(() -> ScheduleRules.next(one, UTC, Instant.MAX));
        assertRejected(() -> ScheduleRules.next(one, UTC, Instant.MIN));
        assertTrue(assertRejected(() -> ScheduleRules.next(one, UTC, after, 0)).contains("between 1 and 100"));
        assertTrue(
                assertRejected(() -> ScheduleRules.next(one, UTC, after, 101)).contains("not 101"));
        assertEquals(100, ScheduleRules.next(one, UTC, after, 100).size());
    }

    @Test
    void sparseRulesAreComputedDirectlyNotMinuteByMinute() {
        // walking minute by minute, 10,000 look-ups about a month apart would be some 400 million steps
        List<ScheduleRule> rules = List.of(new Monthly(31, LocalTime.of(2, 30)), new Cron("0 0 1 1 *"));
        Instant cursor = at("2026-01-01T00:00:00Z");
        // no timing here (benchmarks measure): walking would take hours, and the build's timeout ends it
        for (int i = 0; i < 10_000; i++) {
            cursor = ScheduleRules.next(rules, BERLIN, cursor);
        }
        assertTrue(cursor.isAfter(at("2700-01-01T00:00:00Z")), cursor.toString());
    }
}
