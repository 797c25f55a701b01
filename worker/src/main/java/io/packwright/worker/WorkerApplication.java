package io.packwright.worker;

import io.micronaut.runtime.Micronaut;

/** The Temporal worker process: polls the release task queue and runs workflows and activities. */
public final class WorkerApplication {

    private WorkerApplication() {}

    public static void main(String[] args) {
        Micronaut.build(args).mainClass(WorkerApplication.class).start();
    }
}
