package io.packwright.activities.schedule;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.serde.annotation.Serdeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A schedule rule as clients send it and as it is stored ({@code process_schedules.rules}): {@code
 * {"kind": "EVERY_MINUTES", "every"}}, {@code {"kind": "HOURLY", "every", "minute"}}, {@code
 * {"kind": "DAILY", "at": "HH:MM", "daysOfWeek"?: ["MON", ...]}}, {@code {"kind": "MONTHLY",
 * "dayOfMonth", "at"}} or {@code {"kind": "CRON", "expression"}}. {@link #toRule} checks it and
 * names what is wrong.
 *
 * @param kind the rule's kind
 * @param every {@code EVERY_MINUTES}: 1..1440; {@code HOURLY}: 1..24
 * @param minute {@code HOURLY}: 0..59
 * @param at {@code DAILY}, {@code MONTHLY}: local time {@code HH:MM}
 * @param daysOfWeek {@code DAILY}: {@code MON} .. {@code SUN}; absent or empty for every day
 * @param dayOfMonth {@code MONTHLY}: 1..31 (a shorter month runs on its last day)
 * @param expression {@code CRON}: a 5-field Unix cron expression
 */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StoredRule(
        @Nullable String kind,
        @Nullable Integer every,
        @Nullable Integer minute,
        @Nullable String at,
        @Nullable List<String> daysOfWeek,
        @Nullable Integer dayOfMonth,
        @Nullable String expression) {

    /** The kinds of rules. */
    public static final List<String> KINDS = List.of("EVERY_MINUTES", "HOURLY", "DAILY", "MONTHLY", "CRON");

    private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);
    private static final List<String> DAYS = List.of("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN");

    /** What is wrong with a rule: the field and what it must be. */
    public record Problem(String field, String message) {}

    /**
     * The rule this stands for.
     *
     * @throws InvalidRuleException naming every problem, by field
     */
    public ScheduleRule toRule() {
        List<Problem> problems = new ArrayList<>();
        if (kind == null || !KINDS.contains(kind)) {
            problems.add(new Problem("kind", "must be one of " + String.join(", ", KINDS)));
            throw new InvalidRuleException(problems);
        }
        switch (kind) {
            case "EVERY_MINUTES" -> {
                range(problems, "every", every, 1, 1440);
                absent(problems, minute, "minute", at, "at", daysOfWeek, "daysOfWeek", dayOfMonth, "dayOfMonth");
                absent(problems, expression, "expression");
            }
            case "HOURLY" -> {
                range(problems, "every", every, 1, 24);
                range(problems, "minute", minute, 0, 59);
                absent(
                        problems,
                        at,
                        "at",
                        daysOfWeek,
                        "daysOfWeek",
                        dayOfMonth,
                        "dayOfMonth",
                        expression,
                        "expression");
            }
            case "DAILY" -> {
                time(problems);
                Set<DayOfWeek> days = days(problems);
                absent(problems, every, "every", minute, "minute", dayOfMonth, "dayOfMonth", expression, "expression");
                if (problems.isEmpty()) {
                    return new ScheduleRule.Daily(LocalTime.parse(at, AT), days);
                }
            }
            case "MONTHLY" -> {
                range(problems, "dayOfMonth", dayOfMonth, 1, 31);
                time(problems);
                absent(problems, every, "every", minute, "minute", daysOfWeek, "daysOfWeek", expression, "expression");
            }
            default -> {
                if (expression == null) {
                    problems.add(new Problem("expression", "is required for CRON: a 5-field Unix cron expression"));
                } else {
                    ScheduleRules.cronProblem(expression)
                            .ifPresent(problem -> problems.add(new Problem("expression", problem)));
                }
                absent(problems, every, "every", minute, "minute", at, "at", daysOfWeek, "daysOfWeek");
                absent(problems, dayOfMonth, "dayOfMonth");
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidRuleException(problems);
        }
        return switch (kind) {
            case "EVERY_MINUTES" -> new ScheduleRule.EveryMinutes(every);
            case "HOURLY" -> new ScheduleRule.Hourly(every, minute);
            case "MONTHLY" -> new ScheduleRule.Monthly(dayOfMonth, LocalTime.parse(at, AT));
            default -> new ScheduleRule.Cron(expression);
        };
    }

    /** Rules as {@code process_schedules.rules} holds them: a JSON array. */
    public static String toJson(JsonMapper json, List<StoredRule> rules) {
        try {
            return json.writeValueAsString(rules);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write schedule rules", e);
        }
    }

    /** The rules of a {@code process_schedules.rules} value. */
    public static List<StoredRule> fromJson(JsonMapper json, String stored) {
        try {
            return json.readValue(stored, Argument.listOf(StoredRule.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read stored schedule rules", e);
        }
    }

    /** The rules a stored list stands for; they were checked when they were stored. */
    public static List<ScheduleRule> toRules(List<StoredRule> stored) {
        return stored.stream().map(StoredRule::toRule).toList();
    }

    private void time(List<Problem> problems) {
        if (at == null) {
            problems.add(new Problem("at", "is required for " + kind + ": a local time HH:MM"));
            return;
        }
        try {
            LocalTime.parse(at, AT);
        } catch (DateTimeParseException e) {
            problems.add(new Problem("at", "must be a local time HH:MM from 00:00 to 23:59"));
        }
    }

    private Set<DayOfWeek> days(List<Problem> problems) {
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        if (daysOfWeek == null) {
            return days;
        }
        for (String day : daysOfWeek) {
            int index = day == null ? -1 : DAYS.indexOf(day);
            if (index < 0) {
                problems.add(new Problem("daysOfWeek", "must hold days MON, TUE, WED, THU, FRI, SAT or SUN"));
                return days;
            }
            days.add(DayOfWeek.of(index + 1));
        }
        return days;
    }

    private static void range(List<Problem> problems, String field, @Nullable Integer value, int min, int max) {
        if (value == null || value < min || value > max) {
            problems.add(new Problem(field, "must be between " + min + " and " + max));
        }
    }

    private void absent(List<Problem> problems, Object... valuesAndFields) {
        for (int i = 0; i < valuesAndFields.length; i += 2) {
            if (valuesAndFields[i] != null) {
                problems.add(new Problem((String) valuesAndFields[i + 1], "does not apply to a " + kind + " rule"));
            }
        }
    }

    /** A rule that does not stand for a rule, with every problem found. */
    public static final class InvalidRuleException extends IllegalArgumentException {

        private final transient List<Problem> problems;

        InvalidRuleException(List<Problem> problems) {
            super(problems.get(0).field() + " " + problems.get(0).message());
            this.problems = List.copyOf(problems);
        }

        /** Every problem, by field. */
        public List<Problem> problems() {
            return problems;
        }
    }
}
