package io.packwright.activities.store.component;

import io.micronaut.core.annotation.Nullable;
import java.util.UUID;

/**
 * An extension that a packaged component declares: a value that a managed account may (or, when
 * {@code required} without a default, must) set on its installed instance.
 *
 * @param key unique within its package
 * @param kind what kind of setting it is
 * @param required whether an instance needs a value (its own or the default)
 * @param secret whether values (and the default) are stored encrypted and never shown
 * @param defaultValue used when an instance sets none, in plain text; {@code null} for none and for
 *     the default of a secret extension, which is {@code encryptedDefaultValue}
 * @param encryptedDefaultValue the encrypted default of a secret extension, else {@code null}
 */
public record PackageExtension(
        String key,
        ExtensionKind kind,
        boolean required,
        boolean secret,
        @Nullable String defaultValue,
        @Nullable byte[] encryptedDefaultValue) {

    /** Whether it has a default value, plain or encrypted. */
    public boolean hasDefault() {
        return defaultValue != null || encryptedDefaultValue != null;
    }

    /** The associated data that binds an encrypted default to its package and key. */
    public static String defaultOwner(UUID packagedComponentId, String key) {
        return packagedComponentId + "/" + key;
    }
}
