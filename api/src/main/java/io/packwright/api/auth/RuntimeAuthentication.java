package io.packwright.api.auth;

import io.micronaut.security.authentication.Authentication;
import io.packwright.activities.store.runtime.RuntimeIdentity;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The authentication of a runtime token: its name is the runtime id, and it carries the {@link
 * RuntimeIdentity} that {@link RuntimeTokenValidator} resolved. That attribute is a Java object, so
 * no claim of a JWT can forge it: an authentication is a runtime's exactly when it carries one.
 */
public final class RuntimeAuthentication {

    /** The role of runtimes. */
    public static final String ROLE = "RUNTIME";

    /** The paths of the runtime protocol. */
    public static final String RUNTIME_PATHS = "/api/v1/runtime";

    private static final String IDENTITY = "packwright.runtime";

    private RuntimeAuthentication() {}

    /** The authentication of the runtime {@code identity}. */
    static Authentication of(RuntimeIdentity identity) {
        return Authentication.build(identity.runtimeId().toString(), List.of(ROLE), Map.of(IDENTITY, identity));
    }

    /** The runtime behind {@code authentication}; empty for every other caller. */
    public static Optional<RuntimeIdentity> identity(Authentication authentication) {
        return authentication.getAttributes().get(IDENTITY) instanceof RuntimeIdentity identity
                ? Optional.of(identity)
                : Optional.empty();
    }

    /** Whether {@code path} is one of the runtime protocol. */
    public static boolean isRuntimePath(String path) {
        return path.equals(RUNTIME_PATHS) || path.startsWith(RUNTIME_PATHS + "/");
    }
}
