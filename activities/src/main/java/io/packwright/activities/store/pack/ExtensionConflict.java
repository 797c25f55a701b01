package io.packwright.activities.store.pack;

import io.packwright.activities.store.component.ExtensionKind;

/**
 * An extension key that a pack member declares differently from a component being added.
 *
 * @param key the extension key
 * @param memberName the name of the member that declares it (by its newest shareable package)
 * @param memberKind how the member declares it: kind
 * @param memberRequired required
 * @param memberSecret secret
 * @param kind how the component being added declares it: kind
 * @param required required
 * @param secret secret
 */
public record ExtensionConflict(
        String key,
        String memberName,
        ExtensionKind memberKind,
        boolean memberRequired,
        boolean memberSecret,
        ExtensionKind kind,
        boolean required,
        boolean secret) {}
