package io.packwright.agent.api;

/**
 * A runtime API call that did not succeed. Each subtype tells the caller what to do next: stop
 * ({@link TokenRefusedException}), wait as told ({@link RateLimitedException}), back off and try
 * again ({@link ApiUnavailableException}), or give the call up ({@link ApiRejectedException}).
 *
 * <p>Messages carry the HTTP status and at most a bounded problem {@code detail}, never a response
 * body of the deployments or claim endpoints: they are safe to log.
 */
public abstract sealed class ApiException extends Exception
        permits TokenRefusedException, RateLimitedException, ApiUnavailableException, ApiRejectedException {

    ApiException(String message, Throwable cause) {
        super(message, cause);
    }
}
