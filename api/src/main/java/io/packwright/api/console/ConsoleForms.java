package io.packwright.api.console;

import io.packwright.api.problem.ApiException;
import io.packwright.api.problem.FieldError;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The console's forms: a request checked by the API's own constraints, and errors by field. */
final class ConsoleForms {

    /** The key of the errors that concern a form as a whole. */
    static final String WHOLE_FORM = "";

    private ConsoleForms() {}

    /** The request's constraint violations, as the API reports them (field and message). */
    static <T> List<FieldError> violations(Validator validator, T request) {
        List<FieldError> errors = new ArrayList<>();
        for (ConstraintViolation<T> violation : validator.validate(request)) {
            errors.add(new FieldError(violation.getPropertyPath().toString(), violation.getMessage()));
        }
        errors.sort(Comparator.comparing(FieldError::field).thenComparing(FieldError::message));
        return errors;
    }

    /** What a refusal of the service says, by field ({@link #WHOLE_FORM} for the rest). */
    static List<FieldError> errorsOf(ApiException refusal) {
        return refusal.errors().isEmpty() ? List.of(new FieldError(WHOLE_FORM, refusal.detail())) : refusal.errors();
    }

    /** The messages of each field, joined. */
    static Map<String, String> byField(List<FieldError> errors) {
        Map<String, String> byField = new HashMap<>();
        for (FieldError error : errors) {
            byField.merge(error.field(), error.message(), (a, b) -> a + "; " + b);
        }
        return byField;
    }
}
