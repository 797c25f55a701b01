package io.packwright.agent.api;

/** What a runtime reports about one deployment. */
public enum DeploymentState {
    /** The release is in place and runs. */
    DEPLOYED,
    /** The runtime could not put the release in place; the report's message says why. */
    FAILED
}
