package io.packwright.worker;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.util.List;

/** Replaces the (still empty) release registrations with the test workflow, when a test asks for it. */
@Factory
@Requires(property = GreetingRegistrations.ENABLED, value = "true")
class GreetingRegistrations {

    static final String ENABLED = "packwright.test.greeting-workflow";

    @Singleton
    @Replaces(WorkerRegistrations.class)
    WorkerRegistrations greeting(GreetingActivitiesImpl activities) {
        return new WorkerRegistrations(List.of(GreetingWorkflowImpl.class), List.of(activities));
    }
}
