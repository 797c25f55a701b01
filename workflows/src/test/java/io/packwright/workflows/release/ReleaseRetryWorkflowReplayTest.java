package io.packwright.workflows.release;

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
 * Replays every recorded history in {@code src/test/resources/histories/release-retry} against the
 * current {@link ReleaseRetryWorkflowImpl}: a change that would break running retries fails here
 * unless it goes through {@code Workflow.getVersion}. Record them with {@code ./mvnw -B verify -pl
 * workflows -Dtest=ReleaseRetryWorkflowTest -Dpackwright.recordHistories=true} (delete the directory
 * first) only when no retry can be running on the recorded version.
 */
class ReleaseRetryWorkflowReplayTest {

    private static final String DIRECTORY = "histories/release-retry";

    private static final List<String> SCENARIOS =
            List.of("retry.json", "aborted.json", "continue-as-new-run-1.json", "continue-as-new-run-2.json");

    @Test
    void historiesCoverEveryBranch() throws IOException, URISyntaxException {
        List<String> recorded = RecordedHistories.list(DIRECTORY);
        for (String scenario : SCENARIOS) {
            assertTrue(recorded.contains(scenario), scenario + " is not recorded: " + recorded);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyRecordedHistoryReplays() throws IOException, URISyntaxException {
        return RecordedHistories.list(DIRECTORY).stream()
                .map(file -> dynamicTest(
                        file,
                        () -> WorkflowReplayer.replayWorkflowExecutionFromResource(
                                DIRECTORY + "/" + file, ReleaseRetryWorkflowImpl.class)));
    }
}
