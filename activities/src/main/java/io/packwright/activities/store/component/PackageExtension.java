package io.packwright.activities.store.component;

import io.micronaut.core.annotation.Nullable;

/**
 * An extension that a packaged component declares: a value that a managed account may (or, when
 * {@code required} without {@code defaultValue}, must) set on its installed instance.
 *
 * @param key unique within its package
 * @param kind what kind of setting it is
 * @param required whether an instance needs a value (its own or the default)
 * @param secret whether values are stored encrypted and never shown
 * @param defaultValue used when an instance sets none
 */
public record PackageExtension(
        String key,
        ExtensionKind kind,
        boolean required,
        boolean secret,
        @Nullable String defaultValue) {}
