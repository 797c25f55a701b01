package io.packwright.activities.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.packwright.activities.schedule.ScheduleRule.Cron;
import io.packwright.activities.schedule.ScheduleRule.Daily;
import io.packwright.activities.schedule.ScheduleRule.EveryMinutes;
import io.packwright.activities.schedule.ScheduleRule.Hourly;
import io.packwright.activities.schedule.ScheduleRule.Monthly;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The engine against a slow reference around real transitions: walk the instants minute by minute and fire at an
 * instant when the wall clock passes a selected local time it has not reached before. This is the contract stated
 * without gaps or overlaps: a local time in a gap is passed at the transition, a repeated local time is first
 * reached on its first pass.
 */
class ReferenceWalkTest {

    private static final CronParser CRON_PARSER =
            new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    static Stream<Arguments> windows() {
        List<Arguments> windows = new ArrayList<>();
        windows.add(Arguments.of("UTC", Instant.parse("2026-03-29T00:00:00Z")));
        addTransitions(windows, "America/New_York", "2026-01-01T00:00:00Z", 2);
        addTransitions(windows, "Europe/Berlin", "2026-01-01T00:00:00Z", 2);
        addTransitions(windows, "Australia/Lord_Howe", "2026-01-01T00:00:00Z", 2);
        // DST at midnight: 2018-11-04 has no 00:00-00:59, 2019-02-16 has 23:00-23:59 twice
        addTransitions(windows, "America/Sao_Paulo", "2018-06-01T00:00:00Z", 2);
        // a whole day skipped: 2011-12-30 does not exist in Samoa
        addTransitions(windows, "Pacific/Apia", "2011-12-01T00:00:00Z", 1);
        // a two-hour shift
        addTransitions(windows, "Antarctica/Troll", "2026-01-01T00:00:00Z", 2);
        return windows.stream();
    }

    private static void addTransitions(List<Arguments> windows, String zone, String from, int count) {
        Instant cursor = Instant.parse(from);
        for (int i = 0; i < count; i++) {
            ZoneOffsetTransition transition = ZoneId.of(zone).getRules().nextTransition(cursor);
            windows.add(Arguments.of(zone, transition.getInstant()));
            cursor = transition.getInstant();
        }
    }

    @ParameterizedTest(name = "{0} around {1}")
    @MethodSource("windows")
    void everyRuleKindMatchesTheReference(String zoneName, Instant transition) {
        ZoneId zone = ZoneId.of(zoneName);
        Instant from = transition.minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.MINUTES);
        Instant to = transition.plus(Duration.ofDays(1));
        LocalDateTime transitionLocal = LocalDateTime.ofInstant(transition, zone);
        int transitionDay = transitionLocal.getDayOfMonth();
        LocalTime justBefore = LocalDateTime.ofInstant(transition.minusSeconds(60 * 20), zone)
                .toLocalTime()
                .truncatedTo(ChronoUnit.MINUTES);

        List<ScheduleRule> rules = List.of(
                new EveryMinutes(1),
                new EveryMinutes(7),
                new EveryMinutes(15),
                new EveryMinutes(45),
                new EveryMinutes(1440),
                new Hourly(1, 0),
                new Hourly(1, 30),
                new Hourly(3, 15),
                new Hourly(24, 0),
                new Daily(LocalTime.MIDNIGHT, Set.of()),
                new Daily(LocalTime.of(2, 30), Set.of()),
                new Daily(justBefore, Set.of()),
                new Daily(LocalTime.of(23, 30), EnumSet.of(transitionLocal.getDayOfWeek())),
                new Monthly(transitionDay, LocalTime.of(2, 30)),
                new Monthly(transitionDay, justBefore),
                new Cron("*/10 * * * *"),
                new Cron("30 2 * * *"),
                new Cron("15,45 0-3 * * *"),
                new Cron("0 0 * * *"),
                new Cron("45 23 * * " + transitionLocal.getDayOfWeek().getValue() % 7));
        for (ScheduleRule rule : rules) {
            assertEquals(
                    reference(matcher(rule), zone, from, to), engine(List.of(rule), zone, from, to), rule::toString);
        }
        Predicate<LocalDateTime> any =
                rules.stream().map(ReferenceWalkTest::matcher).reduce(l -> false, Predicate::or);
        assertEquals(reference(any, zone, from, to), engine(rules, zone, from, to), "the union of all the rules");
    }

    /** The fire instants in (from, to] by the slow walk. */
    private static List<Instant> reference(Predicate<LocalDateTime> matches, ZoneId zone, Instant from, Instant to) {
        List<Instant> fires = new ArrayList<>();
        LocalDateTime reached = LocalDateTime.ofInstant(from, zone);
        for (Instant instant = from.plusSeconds(60); !instant.isAfter(to); instant = instant.plusSeconds(60)) {
            LocalDateTime wallClock = LocalDateTime.ofInstant(instant, zone);
            boolean passesASelectedTime = false;
            for (LocalDateTime local = reached.plusMinutes(1);
                    !local.isAfter(wallClock);
                    local = local.plusMinutes(1)) {
                passesASelectedTime |= matches.test(local);
            }
            if (wallClock.isAfter(reached)) {
                reached = wallClock;
            }
            if (passesASelectedTime) {
                fires.add(instant);
            }
        }
        return fires;
    }

    /** The fire instants in (from, to] by the engine. */
    private static List<Instant> engine(List<ScheduleRule> rules, ZoneId zone, Instant from, Instant to) {
        List<Instant> fires = new ArrayList<>();
        Instant cursor = from;
        while (true) {
            for (Instant fire : ScheduleRules.next(rules, zone, cursor, 100)) {
                if (fire.isAfter(to)) {
                    return fires;
                }
                fires.add(fire);
                cursor = fire;
            }
        }
    }

    /** Whether a local time belongs to a rule, written from the rules' definitions. */
    private static Predicate<LocalDateTime> matcher(ScheduleRule rule) {
        if (rule instanceof EveryMinutes every) {
            return local -> (local.getHour() * 60 + local.getMinute()) % every.every() == 0;
        }
        if (rule instanceof Hourly hourly) {
            return local -> local.getHour() % hourly.every() == 0 && local.getMinute() == hourly.minute();
        }
        if (rule instanceof Daily daily) {
            Set<DayOfWeek> days = daily.daysOfWeek();
            return local ->
                    local.toLocalTime().equals(daily.at()) && (days.isEmpty() || days.contains(local.getDayOfWeek()));
        }
        if (rule instanceof Monthly monthly) {
            return local -> local.toLocalTime().equals(monthly.at())
                    && local.getDayOfMonth()
                            == Math.min(
                                    monthly.dayOfMonth(), local.toLocalDate().lengthOfMonth());
        }
        ExecutionTime cron = ExecutionTime.forCron(CRON_PARSER.parse(((Cron) rule).expression()));
        return local -> cron.isMatch(local.atZone(ZoneOffset.UTC));
    }
}
