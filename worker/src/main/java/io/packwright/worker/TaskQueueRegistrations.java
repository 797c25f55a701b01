package io.packwright.worker;

import io.micronaut.context.annotation.Factory;
import io.packwright.activities.release.ReleaseActivitiesImpl;
import io.packwright.activities.release.ReleaseRetryActivitiesImpl;
import io.packwright.activities.schedule.ProcessScheduleActivitiesImpl;
import io.packwright.activities.webhook.WebhookDeliveryActivitiesImpl;
import io.packwright.workflows.release.ReleaseRetryWorkflowImpl;
import io.packwright.workflows.release.ReleaseWorkflowImpl;
import io.packwright.workflows.schedule.ProcessScheduleWorkflowImpl;
import io.packwright.workflows.webhook.WebhookEndpointWorkflowImpl;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * The one place that lists the workflows and activities of the worker's task queue ({@link
 * io.packwright.workflows.TaskQueues#RELEASES}, named after its first duty): the release and
 * release retry workflows and the process schedule and webhook endpoint workflows from the {@code workflows} module, and their activities, beans
 * of the {@code activities} module over the worker's database.
 */
@Factory
final class TaskQueueRegistrations {

    @Singleton
    WorkerRegistrations registrations(
            ReleaseActivitiesImpl releases,
            ReleaseRetryActivitiesImpl releaseRetries,
            ProcessScheduleActivitiesImpl processSchedules,
            WebhookDeliveryActivitiesImpl webhookDeliveries) {
        return new WorkerRegistrations(
                List.of(
                        ReleaseWorkflowImpl.class,
                        ReleaseRetryWorkflowImpl.class,
                        ProcessScheduleWorkflowImpl.class,
                        WebhookEndpointWorkflowImpl.class),
                List.of(releases, releaseRetries, processSchedules, webhookDeliveries));
    }
}
