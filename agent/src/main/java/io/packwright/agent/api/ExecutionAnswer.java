package io.packwright.agent.api;

/**
 * What the API answered to a heartbeat or a result of an execution the runtime claimed.
 *
 * @param kind what the answer means
 * @param detail the problem's title and detail, bounded, or "" (safe to log)
 */
public record ExecutionAnswer(Kind kind, String detail) {

    /** The meaning of an answer. */
    public enum Kind {
        /** {@code 204}: the lease is extended, or the result is recorded. */
        ACCEPTED,
        /**
         * {@code 409}: the runtime does not hold the execution any more (cancelled, timed out), or a
         * different result is recorded.
         */
        CONFLICT,
        /** {@code 404}: the runtime's environment has no such execution. */
        UNKNOWN
    }

    public boolean accepted() {
        return kind == Kind.ACCEPTED;
    }
}
