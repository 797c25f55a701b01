package io.packwright.activities.schedule;

import static io.packwright.activities.schedule.Fires.at;
import static io.packwright.activities.schedule.Fires.instants;
import static io.packwright.activities.schedule.Fires.next;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packwright.activities.schedule.ScheduleRule.Cron;
import io.packwright.activities.schedule.ScheduleRule.Daily;
import io.packwright.activities.schedule.ScheduleRule.EveryMinutes;
import io.packwright.activities.schedule.ScheduleRule.Hourly;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Local times in a DST gap fire at the transition, local times in an overlap fire on their first pass only, and
 * instants that several local times map to fire once.
 */
class DaylightSavingTest {

    /** New York: 2026-03-08 02:00 EST becomes 03:00 EDT (07:00Z); 2026-11-01 02:00 EDT becomes 01:00 EST (06:00Z). */
    @Nested
    class NewYork {
        final ZoneId zone = ZoneId.of("America/New_York");

        @Test
        void aDailyTimeInTheGapFiresAtTheTransition() {
            assertEquals(
                    instants("2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"),
                    next(new Daily(LocalTime.of(2, 30), Set.of()), zone, "2026-03-07T08:00:00Z", 2));
        }

        @Test
        void everyFifteenMinutesAcrossTheGapFiresOnceAtTheTransition() {
            // 01:45 EST, 02:00..03:00 all at the transition, 03:15 EDT, 03:30 EDT
            assertEquals(
                    instants(
                            "2026-03-08T06:45:00Z",
                            "2026-03-08T07:00:00Z",
                            "2026-03-08T07:15:00Z",
                            "2026-03-08T07:30:00Z"),
                    next(new EveryMinutes(15), zone, "2026-03-08T06:30:00Z", 4));
        }

        @Test
        void everyFifteenMinutesAcrossTheOverlapFiresTheRepeatedHourOnce() {
            // 00:45 EDT, 01:00..01:45 EDT (first pass), then 02:00 EST: 75 minutes later
            assertEquals(
                    instants(
                            "2026-11-01T04:45:00Z",
                            "2026-11-01T05:00:00Z",
                            "2026-11-01T05:15:00Z",
                            "2026-11-01T05:30:00Z",
                            "2026-11-01T05:45:00Z",
                            "2026-11-01T07:00:00Z",
                            "2026-11-01T07:15:00Z"),
                    next(new EveryMinutes(15), zone, "2026-11-01T04:30:00Z", 7));
        }

        @Test
        void askedDuringTheSecondPassOfTheOverlapTheNextIsAfterIt() {
            // 01:20 EST, the second pass of 01:00-01:59: those local times already fired
            assertEquals(instants("2026-11-01T07:00:00Z"), next(new EveryMinutes(15), zone, "2026-11-01T06:20:00Z", 1));
            assertEquals(
                    instants("2026-11-02T06:30:00Z"),
                    next(new Daily(LocalTime.of(1, 30), Set.of()), zone, "2026-11-01T06:20:00Z", 1));
        }

        @Test
        void hourlyAcrossTheGapAndTheOverlap() {
            assertEquals(
                    instants(
                            "2026-03-08T05:30:00Z",
                            "2026-03-08T06:30:00Z",
                            "2026-03-08T07:00:00Z",
                            "2026-03-08T07:30:00Z",
                            "2026-03-08T08:30:00Z"),
                    next(new Hourly(1, 30), zone, "2026-03-08T05:00:00Z", 5));
            assertEquals(
                    instants(
                            "2026-11-01T04:30:00Z",
                            "2026-11-01T05:30:00Z",
                            "2026-11-01T07:30:00Z",
                            "2026-11-01T08:30:00Z"),
                    next(new Hourly(1, 30), zone, "2026-11-01T04:00:00Z", 4));
        }

        @Test
        void cronHalfPastTwo() {
            Cron halfPastTwo = new Cron("30 2 * * *");
            assertEquals(
                    instants("2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"),
                    next(halfPastTwo, zone, "2026-03-07T08:00:00Z", 2));
            assertEquals(
                    instants("2026-11-01T07:30:00Z", "2026-11-02T07:30:00Z"),
                    next(halfPastTwo, zone, "2026-10-31T12:00:00Z", 2));
        }

        @Test
        void cronInTheRepeatedHourFiresOnItsFirstPass() {
            assertEquals(
                    instants("2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"),
                    next(new Cron("30 1 * * *"), zone, "2026-10-31T12:00:00Z", 2));
        }
    }

    /** Berlin: 2026-03-29 02:00 CET becomes 03:00 CEST (01:00Z); 2026-10-25 03:00 CEST becomes 02:00 CET (01:00Z). */
    @Nested
    class Berlin {
        final ZoneId zone = ZoneId.of("Europe/Berlin");

        @Test
        void aDailyTimeInTheGapFiresAtTheTransitionNotShiftedByTheGap() {
            assertEquals(
                    instants("2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"),
                    next(new Daily(LocalTime.of(2, 30), Set.of()), zone, "2026-03-28T12:00:00Z", 2));
        }

        @Test
        void aDailyTimeInTheOverlapFiresOnce() {
            assertEquals(
                    instants("2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"),
                    next(new Daily(LocalTime.of(2, 30), Set.of()), zone, "2026-10-24T12:00:00Z", 2));
        }

        @Test
        void everyFifteenMinutesAcrossTheGap() {
            assertEquals(
                    instants(
                            "2026-03-29T00:45:00Z",
                            "2026-03-29T01:00:00Z",
                            "2026-03-29T01:15:00Z",
                            "2026-03-29T01:30:00Z"),
                    next(new EveryMinutes(15), zone, "2026-03-29T00:30:00Z", 4));
        }

        @Test
        void everyFifteenMinutesAcrossTheOverlap() {
            assertEquals(
                    instants(
                            "2026-10-24T23:45:00Z",
                            "2026-10-25T00:00:00Z",
                            "2026-10-25T00:15:00Z",
                            "2026-10-25T00:30:00Z",
                            "2026-10-25T00:45:00Z",
                            "2026-10-25T02:00:00Z",
                            "2026-10-25T02:15:00Z"),
                    next(new EveryMinutes(15), zone, "2026-10-24T23:30:00Z", 7));
        }

        @Test
        void everyMinuteFiresOnceAtTheTransitionThenAtTheNextLocalMinute() {
            // 01:59 CET, then 02:00..03:00 (all at the transition), then 03:01 CEST
            assertEquals(
                    instants("2026-03-29T00:59:00Z", "2026-03-29T01:00:00Z", "2026-03-29T01:01:00Z"),
                    next(new EveryMinutes(1), zone, "2026-03-29T00:58:00Z", 3));
            // 02:59 CEST, then 03:00 CET: the repeated hour does not fire again
            assertEquals(
                    instants("2026-10-25T00:59:00Z", "2026-10-25T02:00:00Z", "2026-10-25T02:01:00Z"),
                    next(new EveryMinutes(1), zone, "2026-10-25T00:58:00Z", 3));
        }

        @Test
        void everyMinuteOfAWholeDayFiresOncePerDistinctInstant() {
            // local midnight to midnight, the 23-hour day: 1,440 local minutes, the 61 from 02:00 to 03:00 at one
            // instant
            assertEquals(23 * 60, firesBetween(new EveryMinutes(1), "2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z"));
            // the 25-hour day: 1,440 local minutes, the repeated hour once
            assertEquals(24 * 60, firesBetween(new EveryMinutes(1), "2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z"));
        }

        @Test
        void hourlyAcrossTheOverlap() {
            assertEquals(
                    instants(
                            "2026-10-24T23:00:00Z",
                            "2026-10-25T00:00:00Z",
                            "2026-10-25T02:00:00Z",
                            "2026-10-25T03:00:00Z"),
                    next(new Hourly(1, 0), zone, "2026-10-24T22:30:00Z", 4));
        }

        @Test
        void hourlyAcrossTheGap() {
            // 01:00 CET, 02:00 in the gap at the transition, then 03:00 CEST is the same instant and fires once
            assertEquals(
                    instants("2026-03-29T00:00:00Z", "2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z"),
                    next(new Hourly(1, 0), zone, "2026-03-28T23:30:00Z", 3));
        }

        @Test
        void cronHalfPastTwo() {
            Cron halfPastTwo = new Cron("30 2 * * *");
            assertEquals(
                    instants("2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"),
                    next(halfPastTwo, zone, "2026-03-28T12:00:00Z", 2));
            assertEquals(
                    instants("2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"),
                    next(halfPastTwo, zone, "2026-10-24T12:00:00Z", 2));
        }

        int firesBetween(ScheduleRule rule, String fromInclusive, String toExclusive) {
            Instant to = at(toExclusive);
            Instant cursor = at(fromInclusive).minusNanos(1);
            int fires = 0;
            while (true) {
                for (Instant fire : ScheduleRules.next(List.of(rule), zone, cursor, 100)) {
                    if (!fire.isBefore(to)) {
                        return fires;
                    }
                    fires++;
                    cursor = fire;
                }
            }
        }
    }

    /**
     * Lord Howe Island shifts by 30 minutes: 2026-04-05 02:00 (+11) becomes 01:30 (+10:30) and 2026-10-04 02:00
     * (+10:30) becomes 02:30 (+11). The transitions are looked up and checked first.
     */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class LordHowe {
        final ZoneId zone = ZoneId.of("Australia/Lord_Howe");

        @BeforeAll
        void theTransitionsOf2026AreThirtyMinutes() {
            List<ZoneOffsetTransition> transitions = new ArrayList<>();
            Instant cursor = at("2026-01-01T00:00:00Z");
            for (int i = 0; i < 2; i++) {
                ZoneOffsetTransition transition = zone.getRules().nextTransition(cursor);
                transitions.add(transition);
                cursor = transition.getInstant();
            }
            ZoneOffsetTransition overlap = transitions.get(0);
            assertTrue(overlap.isOverlap());
            assertEquals(at("2026-04-04T15:00:00Z"), overlap.getInstant());
            assertEquals(LocalDateTime.parse("2026-04-05T02:00"), overlap.getDateTimeBefore());
            assertEquals(Duration.ofMinutes(-30), overlap.getDuration());
            ZoneOffsetTransition gap = transitions.get(1);
            assertTrue(gap.isGap());
            assertEquals(at("2026-10-03T15:30:00Z"), gap.getInstant());
            assertEquals(LocalDateTime.parse("2026-10-04T02:00"), gap.getDateTimeBefore());
            assertEquals(Duration.ofMinutes(30), gap.getDuration());
        }

        @Test
        void aDailyTimeInTheThirtyMinuteGapFiresAtTheTransition() {
            // 02:15 does not exist on 2026-10-04; the next day 02:15 is +11
            assertEquals(
                    instants("2026-10-03T15:30:00Z", "2026-10-04T15:15:00Z"),
                    next(new Daily(LocalTime.of(2, 15), Set.of()), zone, "2026-10-03T00:00:00Z", 2));
        }

        @Test
        void everyFifteenMinutesAcrossTheGap() {
            // 01:45 (+10:30), 02:00 and 02:15 in the gap and 02:30 (+11) all at the transition, 02:45 (+11)
            assertEquals(
                    instants(
                            "2026-10-03T15:15:00Z",
                            "2026-10-03T15:30:00Z",
                            "2026-10-03T15:45:00Z",
                            "2026-10-03T16:00:00Z"),
                    next(new EveryMinutes(15), zone, "2026-10-03T15:00:00Z", 4));
        }

        @Test
        void everyFifteenMinutesAcrossTheOverlap() {
            // 01:15, 01:30, 01:45 (+11), the repeated 01:30-01:59 not again, 02:00 (+10:30): 45 minutes later
            assertEquals(
                    instants(
                            "2026-04-04T14:15:00Z",
                            "2026-04-04T14:30:00Z",
                            "2026-04-04T14:45:00Z",
                            "2026-04-04T15:30:00Z",
                            "2026-04-04T15:45:00Z"),
                    next(new EveryMinutes(15), zone, "2026-04-04T14:00:00Z", 5));
        }

        @Test
        void hourlyAcrossTheOverlap() {
            assertEquals(
                    instants("2026-04-04T13:45:00Z", "2026-04-04T14:45:00Z", "2026-04-04T16:15:00Z"),
                    next(new Hourly(1, 45), zone, "2026-04-04T13:00:00Z", 3));
        }

        @Test
        void hourlyAcrossTheGap() {
            // 01:15 (+10:30), 02:15 in the gap at the transition, 03:15 (+11)
            assertEquals(
                    instants("2026-10-03T14:45:00Z", "2026-10-03T15:30:00Z", "2026-10-03T16:15:00Z"),
                    next(new Hourly(1, 15), zone, "2026-10-03T14:00:00Z", 3));
        }

        @Test
        void cronInTheGapAndInTheOverlap() {
            assertEquals(
                    instants("2026-10-03T15:30:00Z", "2026-10-04T15:30:00Z"),
                    next(new Cron("30 2 * * *"), zone, "2026-10-03T00:00:00Z", 2));
            assertEquals(
                    instants("2026-10-03T15:30:00Z", "2026-10-04T15:15:00Z"),
                    next(new Cron("15 2 * * *"), zone, "2026-10-03T00:00:00Z", 2));
            assertEquals(
                    instants("2026-04-04T14:45:00Z", "2026-04-05T15:15:00Z"),
                    next(new Cron("45 1 * * *"), zone, "2026-04-04T00:00:00Z", 2));
        }
    }
}
