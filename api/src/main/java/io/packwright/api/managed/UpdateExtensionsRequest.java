package io.packwright.api.managed;

import io.micronaut.serde.annotation.Serdeable;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.Map;

/**
 * Replaces all extension values of an instance.
 *
 * @param values values by extension key; a secret's value given as {@code "******"} keeps its
 *     stored value, so that a client can send back what it read
 */
@Serdeable
public record UpdateExtensionsRequest(
        @NotNull @Size(max = 1000) Map<String, String> values) {}
