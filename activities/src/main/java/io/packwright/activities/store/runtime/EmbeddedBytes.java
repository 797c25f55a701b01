package io.packwright.activities.store.runtime;

import io.micronaut.core.annotation.Introspected;
import java.util.UUID;

/**
 * How much a part of a deployment holds, counted from stored lengths without reading the values, to
 * cut a page of the desired state before it is loaded.
 *
 * @param ownerId the instance (of extension values) or the release (of declared extensions)
 * @param entries how many entries
 * @param textBytes the bytes of their keys and values (an encrypted value counts its stored length,
 *     a little more than its plain one)
 */
@Introspected
public record EmbeddedBytes(UUID ownerId, long entries, long textBytes) {}
