package io.packwright.activities.schedule;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The fire-time engine of process schedules: pure and deterministic (no clock, no I/O, no randomness).
 *
 * <p>Each {@link ScheduleRule} denotes a set of local date-times (minute precision) in the schedule's zone.
 * A local date-time fires at:
 *
 * <ul>
 *   <li>the instant of that local time, normally;
 *   <li>in a DST gap (the local time does not exist, e.g. 02:30 on the spring-forward day in Europe/Berlin):
 *       the first instant after it, which is the instant of the transition itself (03:00 CEST), not the local
 *       time shifted by the length of the gap;
 *   <li>in a DST overlap (the local time occurs twice): the earlier of the two instants only.
 * </ul>
 *
 * <p>Put differently, a local time fires at the first instant at which the wall clock reaches it. Fire
 * instants are strictly increasing, and local times that map to the same instant fire once: every minute of a
 * skipped hour fires once at the transition, a repeated hour fires once (on its first pass), and a time
 * selected by several rules fires once.
 *
 * <p>Each rule computes its next local candidate directly, so sparse rules cost the same as dense ones. A
 * candidate that maps to an instant not after the point asked from (only possible in the second pass of an
 * overlap) is skipped by asking for the next candidate. Cron expressions are matched by cron-utils against
 * local wall-clock time only, so the gap and overlap rules above apply to them exactly as to the other rules.
 */
public final class ScheduleRules {

    /** The longest cron expression accepted. */
    public static final int MAX_CRON_LENGTH = 200;

    /** The most rules a schedule may have. */
    public static final int MAX_RULES = 20;

    /** The most fire instants one call may ask for. */
    public static final int MAX_COUNT = 100;

    /**
     * How far ahead of the point asked from a rule is searched. Ten years, because the sparsest 5-field cron
     * expression, 29 February, can be eight years apart across a century that is not a leap year (2096 to
     * 2104).
     */
    static final int HORIZON_YEARS = 10;

    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

    /** Where {@link #cronProblem(String)} looks for a first match, to reject expressions that never match. */
    private static final LocalDateTime NEVER_PROBE = LocalDateTime.of(2000, 1, 1, 0, 0);

    private static final CronParser CRON_PARSER =
            new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private static final String[] CRON_FIELDS = {"minute", "hour", "day-of-month", "month", "day-of-week"};
    private static final String[] CRON_FIELD_VALUES = {
        "0-59", "0-23", "1-31", "1-12 or JAN-DEC", "0-7 (0 and 7 are Sunday) or SUN-SAT"
    };

    private ScheduleRules() {}

    /**
     * Checks a 5-field Unix cron expression (minute hour day-of-month month day-of-week).
     *
     * <p>Accepted: numbers, {@code *}, lists ({@code 1,15}), ranges ({@code 1-5}), steps ({@code *}{@code /15},
     * {@code 0-30/10}), month names (JAN-DEC) and day names (SUN-SAT), case-insensitive. Not accepted: Quartz
     * extensions ({@code ?}, {@code L}, {@code W}, {@code #}), nicknames ({@code @daily}), a seconds or year
     * field, expressions longer than {@value #MAX_CRON_LENGTH} characters and expressions that can never match
     * (such as {@code 0 0 30 2 *}, 30 February).
     *
     * @param expression the expression to check
     * @return empty when the expression is valid, else a short message saying what is wrong, phrased to follow
     *     "cron expression" (e.g. "must have 5 fields (minute hour day-of-month month day-of-week), not 6")
     */
    public static Optional<String> cronProblem(String expression) {
        if (expression == null || expression.isBlank()) {
            return Optional.of("is empty: it needs 5 fields (minute hour day-of-month month day-of-week)");
        }
        if (expression.length() > MAX_CRON_LENGTH) {
            return Optional.of("must be at most " + MAX_CRON_LENGTH + " characters long, not " + expression.length());
        }
        String[] fields = expression.strip().split("\\s+");
        if (fields.length != CRON_FIELDS.length) {
            return Optional.of("must have 5 fields (minute hour day-of-month month day-of-week), not " + fields.length);
        }
        for (int i = 0; i < fields.length; i++) {
            String[] alone = {"*", "*", "*", "*", "*"};
            alone[i] = fields[i];
            if (parse(String.join(" ", alone)) == null) {
                return Optional.of("has an invalid " + CRON_FIELDS[i] + " field '" + fields[i] + "': use "
                        + CRON_FIELD_VALUES[i] + ", *, lists (1,15), ranges (1-5) or steps (*/15)");
            }
        }
        ExecutionTime executionTime = parse(expression);
        if (executionTime == null) {
            return Optional.of("is not a valid 5-field Unix cron expression");
        }
        LocalDateTime first;
        try {
            first = new CronSequence(executionTime).after(NEVER_PROBE);
        } catch (RuntimeException e) {
            return Optional.of("is not a valid 5-field Unix cron expression");
        }
        if (first == null || first.isAfter(NEVER_PROBE.plusYears(HORIZON_YEARS))) {
            return Optional.of("never matches: none of the selected months has the selected day of the month");
        }
        return Optional.empty();
    }

    /**
     * The first fire instant of a schedule strictly after {@code after}.
     *
     * @param rules the schedule's rules, 1..{@value #MAX_RULES}; their union fires
     * @param zone the schedule's time zone, in which the rules' local times are read
     * @param after the exclusive lower bound; seconds and nanoseconds are allowed. Between the years 1 and 9999.
     * @return the first instant after {@code after} at which the schedule fires
     * @throws IllegalArgumentException if an argument is out of range, or if no rule fires within ten years
     */
    public static Instant next(List<ScheduleRule> rules, ZoneId zone, Instant after) {
        return next(rules, zone, after, 1).get(0);
    }

    /**
     * The next {@code count} fire instants of a schedule strictly after {@code after}, strictly increasing.
     *
     * @param rules the schedule's rules, 1..{@value #MAX_RULES}; their union fires
     * @param zone the schedule's time zone, in which the rules' local times are read
     * @param after the exclusive lower bound; seconds and nanoseconds are allowed. Between the years 1 and 9999.
     * @param count how many instants, 1..{@value #MAX_COUNT}
     * @return {@code count} strictly increasing instants after {@code after}
     * @throws IllegalArgumentException if an argument is out of range, or if a rule does not fire within ten
     *     years of the instant it is asked from
     */
    public static List<Instant> next(List<ScheduleRule> rules, ZoneId zone, Instant after, int count) {
        requireArguments(rules, zone, after, count);
        ZoneRules zoneRules = zone.getRules();
        List<RuleCursor> cursors = new ArrayList<>(rules.size());
        for (ScheduleRule rule : rules) {
            cursors.add(new RuleCursor(rule, sequenceOf(rule), zoneRules));
        }
        Instant[] pending = new Instant[cursors.size()];
        for (int i = 0; i < pending.length; i++) {
            pending[i] = cursors.get(i).firstAfter(after);
        }
        List<Instant> fires = new ArrayList<>(count);
        while (fires.size() < count) {
            Instant earliest = pending[0];
            for (Instant candidate : pending) {
                if (candidate.isBefore(earliest)) {
                    earliest = candidate;
                }
            }
            fires.add(earliest);
            for (int i = 0; i < pending.length; i++) {
                if (!pending[i].isAfter(earliest)) {
                    pending[i] = cursors.get(i).firstAfter(earliest);
                }
            }
        }
        return List.copyOf(fires);
    }

    private static void requireArguments(List<ScheduleRule> rules, ZoneId zone, Instant after, int count) {
        if (rules == null || rules.isEmpty()) {
            throw new IllegalArgumentException("a schedule needs at least one rule");
        }
        if (rules.size() > MAX_RULES) {
            throw new IllegalArgumentException(
                    "a schedule may have at most " + MAX_RULES + " rules, not " + rules.size());
        }
        for (ScheduleRule rule : rules) {
            if (rule == null) {
                throw new IllegalArgumentException("the rules must not contain an empty (null) rule");
            }
        }
        if (zone == null) {
            throw new IllegalArgumentException("the time zone is missing");
        }
        if (after == null) {
            throw new IllegalArgumentException("the instant to start after is missing");
        }
        if (after.isBefore(EARLIEST) || after.isAfter(LATEST)) {
            throw new IllegalArgumentException(
                    "the instant to start after must be between the years 1 and 9999, not " + after);
        }
        if (count < 1 || count > MAX_COUNT) {
            throw new IllegalArgumentException(
                    "count must be between 1 and " + MAX_COUNT + " fire times, not " + count);
        }
    }

    /**
     * The instant at which a local time fires: its own instant, the transition for a time in a gap, the earlier
     * instant for a time in an overlap. Non-decreasing in {@code local}.
     */
    static Instant instantOf(LocalDateTime local, ZoneRules zoneRules) {
        ZoneOffsetTransition transition = zoneRules.getTransition(local);
        if (transition == null) {
            return local.toInstant(zoneRules.getOffset(local));
        }
        if (transition.isGap()) {
            return transition.getInstant();
        }
        return local.toInstant(transition.getOffsetBefore());
    }

    private static LocalSequence sequenceOf(ScheduleRule rule) {
        if (rule instanceof ScheduleRule.EveryMinutes everyMinutes) {
            return new EveryMinutesSequence(everyMinutes.every());
        }
        if (rule instanceof ScheduleRule.Hourly hourly) {
            return new HourlySequence(hourly.every(), hourly.minute());
        }
        if (rule instanceof ScheduleRule.Daily daily) {
            return new DailySequence(daily.at(), daily.daysOfWeek());
        }
        if (rule instanceof ScheduleRule.Monthly monthly) {
            return new MonthlySequence(monthly.dayOfMonth(), monthly.at());
        }
        ScheduleRule.Cron cron = (ScheduleRule.Cron) rule;
        ExecutionTime executionTime = parse(cron.expression());
        if (executionTime == null) {
            throw new IllegalArgumentException("cron expression '" + cron.expression() + "' is not valid");
        }
        return new CronSequence(executionTime);
    }

    private static ExecutionTime parse(String expression) {
        try {
            return ExecutionTime.forCron(CRON_PARSER.parse(expression).validate());
        } catch (RuntimeException e) {
            // cron-utils reports every kind of syntax problem as an unchecked exception; the caller words it
            return null;
        }
    }

    /** One rule's walk over instants: the first fire instant after a given instant. */
    private static final class RuleCursor {
        private final ScheduleRule rule;
        private final LocalSequence sequence;
        private final ZoneRules zoneRules;

        RuleCursor(ScheduleRule rule, LocalSequence sequence, ZoneRules zoneRules) {
            this.rule = rule;
            this.sequence = sequence;
            this.zoneRules = zoneRules;
        }

        Instant firstAfter(Instant after) {
            // every local time up to the wall-clock time of `after` maps to an instant not after `after`
            LocalDateTime local =
                    LocalDateTime.ofInstant(after, zoneRules.getOffset(after)).truncatedTo(ChronoUnit.MINUTES);
            LocalDateTime limit = local.plusYears(HORIZON_YEARS);
            while (true) {
                local = sequence.after(local);
                if (local == null || local.isAfter(limit)) {
                    throw new IllegalArgumentException(
                            "the rule " + rule + " does not fire within " + HORIZON_YEARS + " years after " + after);
                }
                Instant instant = instantOf(local, zoneRules);
                if (instant.isAfter(after)) {
                    return instant;
                }
            }
        }
    }

    /** The local date-times of one rule, in order. */
    private interface LocalSequence {
        /**
         * The first local date-time of the rule strictly after {@code local} (a whole minute), or null if
         * there is none.
         */
        LocalDateTime after(LocalDateTime local);
    }

    private record EveryMinutesSequence(int every) implements LocalSequence {
        @Override
        public LocalDateTime after(LocalDateTime local) {
            int minuteOfDay = local.getHour() * 60 + local.getMinute();
            int next = (minuteOfDay / every + 1) * every;
            if (next < 24 * 60) {
                return local.toLocalDate().atTime(next / 60, next % 60);
            }
            return local.toLocalDate().plusDays(1).atStartOfDay();
        }
    }

    private record HourlySequence(int every, int minute) implements LocalSequence {
        @Override
        public LocalDateTime after(LocalDateTime local) {
            LocalDate date = local.toLocalDate();
            int hour = local.getHour();
            if (hour % every == 0 && minute > local.getMinute()) {
                return date.atTime(hour, minute);
            }
            int nextHour = (hour / every + 1) * every;
            if (nextHour < 24) {
                return date.atTime(nextHour, minute);
            }
            return date.plusDays(1).atTime(0, minute);
        }
    }

    private record DailySequence(LocalTime at, Set<DayOfWeek> daysOfWeek) implements LocalSequence {
        @Override
        public LocalDateTime after(LocalDateTime local) {
            LocalDate date = at.isAfter(local.toLocalTime())
                    ? local.toLocalDate()
                    : local.toLocalDate().plusDays(1);
            while (!daysOfWeek.isEmpty() && !daysOfWeek.contains(date.getDayOfWeek())) {
                date = date.plusDays(1);
            }
            return date.atTime(at);
        }
    }

    private record MonthlySequence(int dayOfMonth, LocalTime at) implements LocalSequence {
        @Override
        public LocalDateTime after(LocalDateTime local) {
            YearMonth month = YearMonth.from(local);
            LocalDateTime candidate = runDay(month).atTime(at);
            if (candidate.isAfter(local)) {
                return candidate;
            }
            return runDay(month.plusMonths(1)).atTime(at);
        }

        private LocalDate runDay(YearMonth month) {
            return month.atDay(Math.min(dayOfMonth, month.lengthOfMonth()));
        }
    }

    /**
     * A cron expression evaluated on wall-clock time: local date-times are handed to cron-utils as UTC date-times,
     * so its own DST handling never applies and the gap and overlap rules of this class decide.
     */
    private record CronSequence(ExecutionTime executionTime) implements LocalSequence {
        @Override
        public LocalDateTime after(LocalDateTime local) {
            return executionTime
                    .nextExecution(local.atZone(ZoneOffset.UTC))
                    .map(ZonedDateTime::toLocalDateTime)
                    .orElse(null);
        }
    }
}
