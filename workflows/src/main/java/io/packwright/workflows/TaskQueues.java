package io.packwright.workflows;

/** Names of the Temporal task queues that workers poll and clients start workflows on. */
public final class TaskQueues {

    /** Release workflows, process schedule workflows and their activities (the name predates the latter). */
    public static final String RELEASES = "packwright-releases";

    private TaskQueues() {}
}
