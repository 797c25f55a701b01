package io.packwright.activities.schedule;

import static io.packwright.activities.schedule.Fires.assertHuman;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link ScheduleRules#cronProblem(String)}: valid Unix cron passes, anything else gets a human message. */
class CronProblemTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "* * * * *",
                "0 9-17/2 * * MON-FRI",
                "*/15 * * * *",
                "5-50/15 * * * *",
                "0,30 8 1,15 * *",
                "0 12 * JAN,jul sun",
                "0 0 * * 7",
                "0 0 * * 0",
                "59 23 31 12 *",
                "0 0 29 2 *",
                "0 0 31 * *",
                "0 0 31 4 1",
                "  0   0 * * *  "
            })
    void acceptsUnixCron(String expression) {
        assertEquals(Optional.empty(), ScheduleRules.cronProblem(expression));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "0 0 12 * * ?      | must have 5 fields (minute hour day-of-month month day-of-week), not 6",
                "0 0 12 * * ? 2026 | must have 5 fields (minute hour day-of-month month day-of-week), not 7",
                "hello             | must have 5 fields (minute hour day-of-month month day-of-week), not 1",
                "@daily            | must have 5 fields (minute hour day-of-month month day-of-week), not 1",
                "0 0 * *           | must have 5 fields (minute hour day-of-month month day-of-week), not 4",
                "a b c d e         | has an invalid minute field 'a'",
                "60 * * * *        | has an invalid minute field '60'",
                "5-1 * * * *       | has an invalid minute field '5-1'",
                "*/0 * * * *       | has an invalid minute field '*/0'",
                "1,,2 * * * *      | has an invalid minute field '1,,2'",
                "0 24 * * *        | has an invalid hour field '24'",
                "0 0 0 * *         | has an invalid day-of-month field '0'",
                "0 0 L * *         | has an invalid day-of-month field 'L'",
                "0 0 ? * *         | has an invalid day-of-month field '?'",
                "0 0 1W * *        | has an invalid day-of-month field '1W'",
                "0 0 * 13 *        | has an invalid month field '13'",
                "0 0 * SMARCH *    | has an invalid month field 'SMARCH'",
                "0 0 * * 8         | has an invalid day-of-week field '8'",
                "0 0 * * 1#2       | has an invalid day-of-week field '1#2'",
                "0 0 * * MON,      | has an invalid day-of-week field 'MON,'",
                "0 0 30 2 *        | never matches",
                "0 0 31 2,4 *      | never matches",
                "0 0 31 4,6,9,11 * | never matches"
            })
    void explainsWhatIsWrong(String expression, String expected) {
        String problem = ScheduleRules.cronProblem(expression).orElseThrow();
        assertTrue(problem.startsWith(expected), problem);
        assertHuman(problem);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void rejectsEmptyExpressions(String expression) {
        String problem = ScheduleRules.cronProblem(expression).orElseThrow();
        assertTrue(problem.startsWith("is empty"), problem);
        assertHuman(problem);
        assertTrue(ScheduleRules.cronProblem(null).orElseThrow().startsWith("is empty"));
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 201})
    void rejectsExpressionsLongerThanTwoHundredCharacters(int length) {
        String expression = "0" + " ".repeat(length - 8) + "0 * * 1";
        assertEquals(length, expression.length(), expression);

        Optional<String> problem = ScheduleRules.cronProblem(expression);
        if (length == 200) {
            assertEquals(Optional.empty(), problem);
        } else {
            assertEquals(Optional.of("must be at most 200 characters long, not 201"), problem);
        }
    }
}
