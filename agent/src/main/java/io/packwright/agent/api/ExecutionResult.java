package io.packwright.agent.api;

import java.time.Instant;
import java.util.Objects;

/**
 * The body of {@code POST /api/v1/runtime/executions/{id}/result}: how a claimed execution ended.
 * The message is at most {@value #MAX_MESSAGE_LENGTH} characters (the API's limit) and holds no
 * control character but tabs and line breaks, which the API refuses.
 *
 * @param status how it ended
 * @param startedAt when the process started
 * @param finishedAt when it ended, not before {@code startedAt}
 * @param message the tail of the process's output or why it could not run, or null
 */
public record ExecutionResult(Status status, Instant startedAt, Instant finishedAt, String message) {

    public static final int MAX_MESSAGE_LENGTH = 2000;

    public ExecutionResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
        if (finishedAt.isBefore(startedAt)) {
            finishedAt = startedAt;
        }
        if (message != null && message.length() > MAX_MESSAGE_LENGTH) {
            throw new IllegalArgumentException("the message is longer than " + MAX_MESSAGE_LENGTH + " characters");
        }
    }

    /** How an execution ended, as the runtime reports it. */
    public enum Status {
        /** The process exited with code 0. */
        SUCCEEDED,
        /** The process exited with another code, timed out, was stopped or could not start. */
        FAILED
    }

    @Override
    public String toString() {
        return "ExecutionResult[status=" + status + ", startedAt=" + startedAt + ", finishedAt=" + finishedAt
                + ", message=" + (message == null ? "none" : message.length() + " characters") + "]";
    }
}
