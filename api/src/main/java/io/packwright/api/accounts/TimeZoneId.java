package io.packwright.api.accounts;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.RECORD_COMPONENT;
import static java.lang.annotation.ElementType.TYPE_USE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/** An IANA time zone id or a fixed UTC offset such as {@code +05:30}; {@code null} is valid. */
@Documented
@Retention(RUNTIME)
@Target({FIELD, PARAMETER, RECORD_COMPONENT, TYPE_USE})
@Constraint(validatedBy = {})
public @interface TimeZoneId {

    String message() default "must be an IANA time zone id such as 'Europe/Berlin' or a UTC offset such as '+05:30'";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
