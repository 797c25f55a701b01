package io.packwright.activities.store.runtime;

import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import java.util.UUID;

/**
 * An extension that a release declares, with the default value that applies to an instance without
 * a value for it. When several packages of the release declare the key, the one of the component
 * with the lowest id gives the default.
 *
 * @param releaseId the release
 * @param key the extension's key
 * @param packageId the package whose declaration counts
 * @param defaultValue its plain default, if any
 * @param encryptedDefaultValue its encrypted default (a secret extension's), if any
 */
@Introspected
public record DeclaredExtension(
        UUID releaseId,
        String key,
        UUID packageId,
        @Nullable String defaultValue,
        @Nullable byte[] encryptedDefaultValue) {}
