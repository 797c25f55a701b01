package io.packwright.api.accounts;

import io.micronaut.core.annotation.AnnotationValue;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.validation.validator.constraints.ConstraintValidator;
import io.micronaut.validation.validator.constraints.ConstraintValidatorContext;
import jakarta.inject.Singleton;

/** Checks {@link TimeZoneId}. */
@Singleton
class TimeZoneIdValidator implements ConstraintValidator<TimeZoneId, String> {

    @Override
    public boolean isValid(
            @Nullable String value,
            AnnotationValue<TimeZoneId> annotationMetadata,
            ConstraintValidatorContext context) {
        return value == null || TimeZones.isValid(value);
    }
}
