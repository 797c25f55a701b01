package io.packwright.api.releases;

/**
 * The partner changed a release's control state; once the transaction commits, its workflow is told.
 *
 * @param workflowId the release's workflow
 */
record ReleaseControlled(String workflowId) {}
