package io.packwright.agent.execute;

import java.util.Objects;

/**
 * What the operator chose for the executions ({@code --exec-*}).
 *
 * @param command the command, run as {@code /bin/sh -c <command>}
 * @param concurrency how many executions run at once, 1..{@value #MAX_CONCURRENCY}
 * @param timeoutSeconds how long one may run before it is killed and reported failed
 * @param outputLimit how many bytes of the end of the output are kept for the result's message
 */
public record ExecutionSettings(String command, int concurrency, int timeoutSeconds, int outputLimit) {

    public static final int DEFAULT_CONCURRENCY = 1;
    public static final int MAX_CONCURRENCY = 16;
    public static final int DEFAULT_TIMEOUT_SECONDS = 3600;
    public static final int MAX_TIMEOUT_SECONDS = 7 * 24 * 3600;
    public static final int DEFAULT_OUTPUT_LIMIT = 2000;
    public static final int MAX_OUTPUT_LIMIT = 1024 * 1024;

    public ExecutionSettings {
        Objects.requireNonNull(command, "command");
        if (command.isBlank()) {
            throw new IllegalArgumentException("the command is empty");
        }
        if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            throw new IllegalArgumentException("concurrency must be 1.." + MAX_CONCURRENCY);
        }
        if (timeoutSeconds < 1 || timeoutSeconds > MAX_TIMEOUT_SECONDS) {
            throw new IllegalArgumentException("timeoutSeconds must be 1.." + MAX_TIMEOUT_SECONDS);
        }
        if (outputLimit < 0 || outputLimit > MAX_OUTPUT_LIMIT) {
            throw new IllegalArgumentException("outputLimit must be 0.." + MAX_OUTPUT_LIMIT);
        }
    }

    /** The settings with the defaults for everything but the command. */
    public static ExecutionSettings of(String command) {
        return new ExecutionSettings(command, DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_SECONDS, DEFAULT_OUTPUT_LIMIT);
    }

    // the command may hold what the operator would rather not see in a log
    @Override
    public String toString() {
        return "ExecutionSettings[concurrency=" + concurrency + ", timeoutSeconds=" + timeoutSeconds + ", outputLimit="
                + outputLimit + "]";
    }
}
