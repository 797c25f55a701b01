package io.packwright.activities.schedule;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * A rule of a process schedule: a set of local wall-clock times in the schedule's zone.
 *
 * <p>Every rule has minute precision. How the local times of the rules become instants (DST gaps and
 * overlaps, unions of rules) is described on {@link ScheduleRules}.
 */
public sealed interface ScheduleRule
        permits ScheduleRule.EveryMinutes,
                ScheduleRule.Hourly,
                ScheduleRule.Daily,
                ScheduleRule.Monthly,
                ScheduleRule.Cron {

    /**
     * Every {@code every} minutes of each local day, counted from local midnight: minutes {@code m} of the
     * day with {@code m % every == 0} ({@code every} 1..1440). When {@code every} does not divide 1440 the
     * last interval of a day is shorter, as each day starts again at midnight.
     *
     * @param every the interval in minutes, 1..1440
     */
    record EveryMinutes(int every) implements ScheduleRule {
        /** Validates the interval. */
        public EveryMinutes {
            if (every < 1 || every > 1440) {
                throw new IllegalArgumentException("every must be between 1 and 1440 minutes (one day), not " + every);
            }
        }
    }

    /**
     * Every {@code every} hours (1..24) of each local day from midnight (hours {@code h} with
     * {@code h % every == 0}), at {@code minute} (0..59).
     *
     * @param every the interval in hours, 1..24
     * @param minute the minute of each selected hour, 0..59
     */
    record Hourly(int every, int minute) implements ScheduleRule {
        /** Validates the interval and the minute. */
        public Hourly {
            if (every < 1 || every > 24) {
                throw new IllegalArgumentException("every must be between 1 and 24 hours, not " + every);
            }
            if (minute < 0 || minute > 59) {
                throw new IllegalArgumentException("minute must be between 0 and 59, not " + minute);
            }
        }
    }

    /**
     * Daily at local time {@code at} (minute precision), on {@code daysOfWeek} only (empty = every day).
     *
     * @param at the local time of day, with zero seconds and nanoseconds
     * @param daysOfWeek the days of the week the rule runs on; empty for every day. Kept as an immutable copy.
     */
    record Daily(LocalTime at, Set<DayOfWeek> daysOfWeek) implements ScheduleRule {
        /** Validates the time and copies the days into an immutable set. */
        public Daily {
            requireWholeMinute(at);
            if (daysOfWeek == null) {
                throw new IllegalArgumentException("daysOfWeek is missing: use an empty set for every day");
            }
            EnumSet<DayOfWeek> copy = EnumSet.noneOf(DayOfWeek.class);
            for (DayOfWeek day : daysOfWeek) {
                if (day == null) {
                    throw new IllegalArgumentException("daysOfWeek must not contain an empty (null) day");
                }
                copy.add(day);
            }
            daysOfWeek = Collections.unmodifiableSet(copy);
        }
    }

    /**
     * Monthly on {@code dayOfMonth} (1..31) at {@code at}; a month shorter than {@code dayOfMonth} runs on
     * its last day (day 31 runs on 30 April and on 28 or 29 February).
     *
     * @param dayOfMonth the day of the month, 1..31
     * @param at the local time of day, with zero seconds and nanoseconds
     */
    record Monthly(int dayOfMonth, LocalTime at) implements ScheduleRule {
        /** Validates the day and the time. */
        public Monthly {
            if (dayOfMonth < 1 || dayOfMonth > 31) {
                throw new IllegalArgumentException("dayOfMonth must be between 1 and 31, not " + dayOfMonth);
            }
            requireWholeMinute(at);
        }
    }

    /**
     * A 5-field Unix cron expression (minute hour day-of-month month day-of-week), evaluated on local
     * wall-clock time.
     *
     * <p>Days follow cron-utils' UNIX definition: when both day-of-month and day-of-week are restricted, a day
     * matches if either matches ({@code 0 0 13 * FRI} is every 13th and every Friday); when one of them is
     * {@code *}, only the other one counts. Any day field other than a plain {@code *} is a restriction, steps
     * included: {@code 0 0 *}{@code /2 * MON} is odd days of the month or Mondays, where Vixie cron would read the
     * step as {@code *}. See {@link ScheduleRules#cronProblem(String)} for what is accepted.
     *
     * @param expression the expression, as given (surrounding whitespace is accepted)
     */
    record Cron(String expression) implements ScheduleRule {
        /** Validates the expression with {@link ScheduleRules#cronProblem(String)}. */
        public Cron {
            String problem = ScheduleRules.cronProblem(expression).orElse(null);
            if (problem != null) {
                String shown = expression != null && expression.length() <= ScheduleRules.MAX_CRON_LENGTH
                        ? " '" + expression + "'"
                        : "";
                throw new IllegalArgumentException("cron expression" + shown + " " + problem);
            }
        }
    }

    private static void requireWholeMinute(LocalTime at) {
        if (at == null) {
            throw new IllegalArgumentException("at (the time of day) is missing");
        }
        if (at.getSecond() != 0 || at.getNano() != 0) {
            throw new IllegalArgumentException(
                    "at must be a whole minute (no seconds), not " + at + "; schedules have minute precision");
        }
    }
}
