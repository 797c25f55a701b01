package io.packwright.agent.api;

/**
 * The API answered with a client error other than {@code 401}, {@code 403} and {@code 429} (for
 * example {@code 400}, or a redirect, which the agent never follows): the same call would fail
 * again.
 */
public final class ApiRejectedException extends ApiException {

    private final int status;

    ApiRejectedException(int status, String message) {
        super(message, null);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
