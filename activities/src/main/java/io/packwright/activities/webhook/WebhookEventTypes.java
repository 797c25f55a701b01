package io.packwright.activities.webhook;

import java.util.List;
import java.util.Set;

/**
 * The catalogue of webhook event types: what an endpoint may subscribe to ({@link #ALL} or
 * {@link #WILDCARD}) and what the outbox holds. Release-level events concern the partner's tenant
 * only; the others also reach the managed account they are about.
 */
public final class WebhookEventTypes {

    /** Subscribes an endpoint to every event type, present and future. */
    public static final String WILDCARD = "*";

    public static final String RELEASE_CREATED = "release.created";
    public static final String RELEASE_RESCHEDULED = "release.rescheduled";
    public static final String RELEASE_STARTED = "release.started";
    public static final String RELEASE_PAUSED = "release.paused";
    public static final String RELEASE_RESUMED = "release.resumed";
    public static final String RELEASE_COMPLETED = "release.completed";
    public static final String RELEASE_SUPERSEDED = "release.superseded";
    public static final String RELEASE_CANCELLED = "release.cancelled";
    public static final String RELEASE_ABORTED = "release.aborted";
    public static final String INSTANCES_UPDATED = "instances.updated";
    public static final String INSTANCES_UPDATE_FAILED = "instances.update_failed";
    public static final String INSTANCE_INSTALLED = "instance.installed";
    public static final String INSTANCE_UNINSTALLED = "instance.uninstalled";
    public static final String DEPLOYMENT_REPORTED = "deployment.reported";
    public static final String EXECUTION_FAILED = "execution.failed";
    public static final String INTEGRATION_PACK_DELETED = "integration_pack.deleted";
    /**
     * One of the subscriber's endpoints was disabled after failing for too long: the notice to its
     * owner, through the owner's other endpoints. Not in the contract's list; an addition.
     */
    public static final String WEBHOOK_ENDPOINT_DISABLED = "webhook_endpoint.disabled";
    /** Sent on request to one endpoint only ({@code POST .../test}); nobody subscribes to it. */
    public static final String WEBHOOK_TEST = "webhook.test";

    /** Every type an endpoint may subscribe to, in the contract's order. */
    public static final List<String> ALL = List.of(
            RELEASE_CREATED,
            RELEASE_RESCHEDULED,
            RELEASE_STARTED,
            RELEASE_PAUSED,
            RELEASE_RESUMED,
            RELEASE_COMPLETED,
            RELEASE_SUPERSEDED,
            RELEASE_CANCELLED,
            RELEASE_ABORTED,
            INSTANCES_UPDATED,
            INSTANCES_UPDATE_FAILED,
            INSTANCE_INSTALLED,
            INSTANCE_UNINSTALLED,
            DEPLOYMENT_REPORTED,
            EXECUTION_FAILED,
            INTEGRATION_PACK_DELETED,
            WEBHOOK_ENDPOINT_DISABLED);

    /** The types that concern one managed account and reach its own endpoints too. */
    public static final Set<String> MANAGED_ACCOUNT_TYPES = Set.of(
            INSTANCES_UPDATED,
            INSTANCES_UPDATE_FAILED,
            INSTANCE_INSTALLED,
            INSTANCE_UNINSTALLED,
            DEPLOYMENT_REPORTED,
            EXECUTION_FAILED,
            WEBHOOK_ENDPOINT_DISABLED);

    /**
     * The types that, about a managed account, reach only that account's endpoints and not its
     * partner's: a managed account's endpoints are its own business.
     */
    public static final Set<String> OWNER_ONLY_TYPES = Set.of(WEBHOOK_ENDPOINT_DISABLED);

    private WebhookEventTypes() {}
}
