package io.packwright.workflows.release;

import java.util.UUID;

/**
 * A managed account asked to apply the pending release to one of its instances. The request is
 * already durable ({@code release_apply_requests}) when the signal is sent; the signal only wakes
 * the workflow, which then applies every queued request of the release in batches. A lost signal
 * therefore delays an apply, never drops it.
 *
 * @param integrationPackInstanceId the instance, for the history's readability
 */
public record ManualApplySignal(UUID integrationPackInstanceId) {}
