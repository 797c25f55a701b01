package io.packwright.api.console;

import io.micronaut.core.annotation.Nullable;
import java.util.Map;

/**
 * The create form's values as typed, with the errors of each field ({@code ""} holds those of the
 * form as a whole).
 */
public record PackForm(String name, String description, String installationType, Map<String, String> errors) {

    static PackForm empty() {
        return new PackForm("", "", "SINGLE", Map.of());
    }

    static PackForm of(io.packwright.api.packs.IntegrationPackResponse pack) {
        return new PackForm(
                pack.name(), pack.description(), pack.installationType().name(), Map.of());
    }

    static PackForm of(Map<String, String> form) {
        return new PackForm(
                form.getOrDefault("name", ""),
                form.getOrDefault("description", ""),
                form.getOrDefault("installationType", ""),
                Map.of());
    }

    PackForm withErrors(Map<String, String> fieldErrors) {
        return new PackForm(name, description, installationType, Map.copyOf(fieldErrors));
    }

    /** The error of a field, or {@code null}. */
    public @Nullable String error(String field) {
        return errors.get(field);
    }
}
