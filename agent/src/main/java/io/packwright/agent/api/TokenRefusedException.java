package io.packwright.agent.api;

/** {@code 401} or {@code 403}: the runtime token is revoked, unknown or not allowed; retrying cannot help. */
public final class TokenRefusedException extends ApiException {

    private final int status;

    TokenRefusedException(int status, String message) {
        super(message, null);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
