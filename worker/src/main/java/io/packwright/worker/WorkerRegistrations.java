package io.packwright.worker;

import io.temporal.worker.Worker;
import java.util.List;

/**
 * What the worker runs on its task queue: workflow implementation classes (the SDK instantiates
 * one per workflow run) and activity implementations (shared, thread-safe beans).
 *
 * @param workflowImplementationTypes classes implementing a {@code @WorkflowInterface}
 * @param activityImplementations objects implementing an {@code @ActivityInterface}
 */
record WorkerRegistrations(List<Class<?>> workflowImplementationTypes, List<Object> activityImplementations) {

    WorkerRegistrations {
        workflowImplementationTypes = List.copyOf(workflowImplementationTypes);
        activityImplementations = List.copyOf(activityImplementations);
    }

    boolean isEmpty() {
        return workflowImplementationTypes.isEmpty() && activityImplementations.isEmpty();
    }

    void registerOn(Worker worker) {
        if (!workflowImplementationTypes.isEmpty()) {
            worker.registerWorkflowImplementationTypes(workflowImplementationTypes.toArray(Class<?>[]::new));
        }
        if (!activityImplementations.isEmpty()) {
            worker.registerActivitiesImplementations(activityImplementations.toArray());
        }
    }
}
