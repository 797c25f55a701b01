package io.packwright.worker;

import io.micronaut.context.annotation.Factory;
import io.packwright.activities.release.ReleaseActivitiesImpl;
import io.packwright.workflows.release.ReleaseWorkflowImpl;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * The one place that lists the workflows and activities of the releases task queue ({@link
 * io.packwright.workflows.TaskQueues#RELEASES}): the release workflow from the {@code workflows}
 * module, and its activities, a bean of the {@code activities} module over the worker's database.
 */
@Factory
final class ReleaseTaskQueueRegistrations {

    @Singleton
    WorkerRegistrations releases(ReleaseActivitiesImpl activities) {
        return new WorkerRegistrations(List.of(ReleaseWorkflowImpl.class), List.of(activities));
    }
}
