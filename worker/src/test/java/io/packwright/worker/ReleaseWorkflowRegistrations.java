package io.packwright.worker;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.util.List;

/** Replaces the (still empty) release registrations with the stand-in release workflow, when a test asks for it. */
@Factory
@Requires(property = ReleaseWorkflowRegistrations.ENABLED, value = "true")
class ReleaseWorkflowRegistrations {

    static final String ENABLED = "packwright.test.awaiting-release-workflow";

    @Singleton
    @Replaces(WorkerRegistrations.class)
    WorkerRegistrations awaitingRelease() {
        return new WorkerRegistrations(List.of(AwaitingReleaseWorkflowImpl.class), List.of());
    }
}
