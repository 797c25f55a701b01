package io.packwright.workflows.schedule;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.packwright.workflows.RecordedHistories;
import io.temporal.testing.WorkflowReplayer;
import java.io.IOException;
import java.net.URISyntaxException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays every recorded history in {@code src/test/resources/histories/process-schedule} against
 * the current {@link ProcessScheduleWorkflowImpl}: a change that would break running schedules
 * fails here unless it goes through {@code Workflow.getVersion}. Record them with {@code ./mvnw -B
 * verify -pl workflows -Dtest=ProcessScheduleWorkflowTest -Dpackwright.recordHistories=true}, beside
 * the old ones once schedules may be running on the recorded version.
 */
class ProcessScheduleWorkflowReplayTest {

    private static final List<String> SCENARIOS = List.of(
            "every-minute.json",
            "changed-while-sleeping.json",
            "deleted.json",
            "continue-as-new-run-1.json",
            "continue-as-new-run-2.json");

    @Test
    void historiesCoverEveryBranch() throws IOException, URISyntaxException {
        List<String> recorded = recordedHistories();
        for (String scenario : SCENARIOS) {
            assertTrue(recorded.contains(scenario), scenario + " is not recorded: " + recorded);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyRecordedHistoryReplays() throws IOException, URISyntaxException {
        return recordedHistories().stream()
                .map(file -> dynamicTest(
                        file,
                        () -> WorkflowReplayer.replayWorkflowExecutionFromResource(
                                "histories/process-schedule/" + file, ProcessScheduleWorkflowImpl.class)));
    }

    private static List<String> recordedHistories() throws IOException, URISyntaxException {
        return RecordedHistories.list("histories/process-schedule");
    }
}
