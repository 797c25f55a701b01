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
 * Replays every recorded history in {@code src/test/resources/histories} against the current {@link
 * ReleaseWorkflowImpl}: a change that would break running releases fails here unless it goes
 * through {@code Workflow.getVersion}. Record them again (delete the directory first, runs of a
 * continue-as-new chain vary in number) with {@code ./mvnw -B verify -pl workflows -am
 * -Dtest='ReleaseWorkflowTest,ReleaseControlWorkflowTest' -Dpackwright.recordHistories=true} only
 * when no release can be running on the recorded version; otherwise add the new histories beside
 * the old ones, running only the test methods that record them.
 */
class ReleaseWorkflowReplayTest {

    /** The branches the recorded histories must cover; {@code continue-as-new} is a chain of runs. */
    private static final List<String> SCENARIOS = List.of(
            "immediate.json",
            "scheduled-manual-window.json",
            "superseded-testing-period.json",
            "cancelled-fan-out.json",
            "failing-instance.json",
            "continue-as-new-run-1.json",
            "continue-as-new-run-2.json",
            // release control (ReleaseControlWorkflowTest)
            "staged-rollout.json",
            "staged-gate-pause-resume.json",
            "staged-abort-revert.json",
            "cancelled-testing-period-revert.json",
            "rescheduled-later.json",
            "revert-continue-as-new-run-1.json",
            "revert-continue-as-new-run-2.json");

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
                                "histories/" + file, ReleaseWorkflowImpl.class)));
    }

    private static List<String> recordedHistories() throws IOException, URISyntaxException {
        return RecordedHistories.list("histories");
    }
}
