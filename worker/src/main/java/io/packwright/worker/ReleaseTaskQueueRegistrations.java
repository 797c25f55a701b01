package io.packwright.worker;

import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * The one place that lists the workflows and activities of the releases task queue ({@link
 * io.packwright.workflows.TaskQueues#RELEASES}). Workflow implementations come from the {@code
 * workflows} module; activity implementations are beans of the {@code activities} module, injected
 * into {@link #releases()} as parameters.
 *
 * <p>The release workflow and its activities do not exist yet, so the lists are empty and the
 * worker does not poll (see {@link TemporalWorker}).
 */
@Factory
final class ReleaseTaskQueueRegistrations {

    @Singleton
    WorkerRegistrations releases() {
        return new WorkerRegistrations(List.of(), List.of());
    }
}
