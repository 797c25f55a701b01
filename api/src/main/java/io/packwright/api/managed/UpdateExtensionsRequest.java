package io.packwright.api.managed;

import io.micronaut.serde.annotation.Serdeable;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.Map;

/**
 * Replaces all extension values of an instance.
 *
 * @param values values by extension key; a secret's value given as {@code "******"} keeps its
 *     stored value, so that a client can send back what it read. At most 200 values of at most 8192
 *     characters each, and at most 512 KiB (524288 bytes) of UTF-8 in all values together, counted
 *     as sent; beyond any of these limits the request is a 400 naming it
 */
@Serdeable
public record UpdateExtensionsRequest(
        @NotNull @Size(max = ExtensionValueLimits.MAX_VALUES, message = ExtensionValueLimits.TOO_MANY)
        Map<String, String> values) {}
