package io.packwright.api.components;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.packwright.activities.store.component.PackageExtension;
import io.packwright.activities.store.component.PackageExtensionStore;
import io.packwright.activities.store.component.PackagedComponentEntity;
import io.packwright.api.paging.JsonBytes;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An immutable, versioned package of a component.
 *
 * @param id the package id
 * @param componentId its component
 * @param packageVersion its version, unique per component
 * @param shareable whether it may go into integration packs
 * @param notes the partner's notes, or {@code null}
 * @param extensions the extensions it declares, ordered by key
 * @param createdAt when it was created
 */
@Serdeable
public record PackagedComponentResponse(
        UUID id,
        UUID componentId,
        String packageVersion,
        boolean shareable,
        @Nullable String notes,
        List<ExtensionDefinition> extensions,
        Instant createdAt) {

    // the fields without the variable texts, with room for a long createdAt
    private static final int FIXED_BYTES = 256;
    // one extension without its key and default value
    private static final int EXTENSION_BYTES = 100;

    static PackagedComponentResponse of(PackagedComponentEntity pkg, List<PackageExtension> extensions) {
        return new PackagedComponentResponse(
                pkg.id(),
                pkg.componentId(),
                pkg.packageVersion(),
                pkg.shareable(),
                pkg.notes(),
                extensions.stream().map(ExtensionDefinition::of).toList(),
                pkg.createdAt());
    }

    /**
     * About how many bytes the package takes in a response body, from its row and the size of its
     * extensions, before they are loaded.
     */
    static long approximateBytes(PackagedComponentEntity pkg, PackageExtensionStore.ExtensionsSize extensions) {
        return FIXED_BYTES
                + JsonBytes.text(pkg.packageVersion())
                + JsonBytes.text(pkg.notes())
                + (long) EXTENSION_BYTES * extensions.extensions()
                + extensions.textBytes();
    }
}
