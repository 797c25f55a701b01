package io.packwright.workflows.webhook;

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
 * Replays every recorded history in {@code src/test/resources/histories/webhook-endpoint} against
 * the current {@link WebhookEndpointWorkflowImpl}: a change that would break running endpoint workflows
 * fails here unless it goes through {@code Workflow.getVersion}. Record them with {@code ./mvnw -B
 * verify -pl workflows -Dtest=WebhookEndpointWorkflowTest -Dpackwright.recordHistories=true}, beside
 * the old ones once endpoints may be running on the recorded version.
 */
class WebhookEndpointWorkflowReplayTest {

    private static final List<String> SCENARIOS = List.of(
            "retry-then-idle.json",
            "signalled-while-waiting.json",
            "continue-as-new-run-1.json",
            "continue-as-new-run-2.json",
            // recorded after the linger before ending (WebhookEndpointWorkflowImpl.LINGER_CHANGE);
            // the four above are of the first version and keep replaying
            "signalled-while-lingering.json");

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
                                "histories/webhook-endpoint/" + file, WebhookEndpointWorkflowImpl.class)));
    }

    private static List<String> recordedHistories() throws IOException, URISyntaxException {
        return RecordedHistories.list("histories/webhook-endpoint");
    }
}
