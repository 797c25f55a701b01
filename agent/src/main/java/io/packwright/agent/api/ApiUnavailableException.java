package io.packwright.agent.api;

/**
 * The API could not be reached or did not answer usefully: a connection error, a timeout, a
 * {@code 5xx}, or a response that does not parse. Transient, as while the API restarts: back off
 * and try again.
 */
public final class ApiUnavailableException extends ApiException {

    ApiUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
