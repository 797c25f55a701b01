package io.packwright.api.problem;

import io.micronaut.serde.annotation.Serdeable;

/**
 * One invalid field of a request.
 *
 * @param field the JSON field (dotted for nested ones) or query parameter
 * @param message what is wrong with it
 */
@Serdeable
public record FieldError(String field, String message) {}
