package io.packwright.workflows;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.common.WorkflowExecutionHistory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The recorded histories that the replay tests replay: the workflow tests {@link #record} them (with
 * {@code -Dpackwright.recordHistories=true}) under {@code src/test/resources/<directory>}, and the
 * replay tests {@link #list} them from the test classpath.
 */
public final class RecordedHistories {

    private RecordedHistories() {}

    /** Every run of the workflow, oldest first, following the continue-as-new chain from {@code firstRunId}. */
    public static List<WorkflowExecutionHistory> runs(WorkflowClient client, String workflowId, String firstRunId) {
        List<WorkflowExecutionHistory> runs = new ArrayList<>();
        String runId = firstRunId;
        while (runId != null) {
            WorkflowExecutionHistory history = client.fetchHistory(workflowId, runId);
            runs.add(history);
            HistoryEvent last = history.getLastEvent();
            runId = last.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW
                    ? last.getWorkflowExecutionContinuedAsNewEventAttributes().getNewExecutionRunId()
                    : null;
        }
        return runs;
    }

    /**
     * With {@code -Dpackwright.recordHistories=true}: writes {@code runs} to {@code
     * src/test/resources/<directory>} as {@code <name>.json}, or {@code <name>-run-<n>.json} for a
     * chain of runs; otherwise nothing.
     */
    public static void record(String directory, String name, Supplier<List<WorkflowExecutionHistory>> histories) {
        if (!Boolean.getBoolean("packwright.recordHistories")) {
            return;
        }
        List<WorkflowExecutionHistory> runs = histories.get();
        try {
            Path target = Path.of("src", "test", "resources").resolve(directory);
            Files.createDirectories(target);
            for (int run = 0; run < runs.size(); run++) {
                String file = runs.size() == 1 ? name + ".json" : name + "-run-" + (run + 1) + ".json";
                Files.writeString(target.resolve(file), runs.get(run).toJson(true));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the histories of " + name, e);
        }
    }

    /** The names of the recorded histories ({@code .json}) in {@code directory} of the test classpath, sorted. */
    public static List<String> list(String directory) throws IOException, URISyntaxException {
        Path path = Path.of(RecordedHistories.class.getResource("/" + directory).toURI());
        try (Stream<Path> files = Files.list(path)) {
            return files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".json"))
                    .sorted()
                    .toList();
        }
    }
}
