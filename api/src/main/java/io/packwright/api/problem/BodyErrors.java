package io.packwright.api.problem;

import io.micronaut.serde.exceptions.InvalidFormatException;
import io.micronaut.serde.exceptions.InvalidPropertyFormatException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Explains why a JSON request body could not be read, in words a client can act on: which field,
 * what was expected, where in the document. Only the parts of parser messages that are known to be
 * safe (expected values, token kinds, line and column) reach the response.
 */
final class BodyErrors {

    private static final Pattern LOCATION = Pattern.compile("line: (\\d+), column: (\\d+)");
    private static final Pattern UNEXPECTED_TOKEN = Pattern.compile("Unexpected token (\\w+), expected (\\w+)");
    private static final Pattern ENUM_VALUE =
            Pattern.compile("Expected one of \\[([A-Z0-9_, ]*)] but was '([^']{0,80})'");
    private static final Pattern OWN_MESSAGE = Pattern.compile("expected [a-z ]*[a-z] but found [a-z ]*[a-z]");
    private static final Map<String, String> TOKENS = Map.ofEntries(
            Map.entry("START_OBJECT", "an object"),
            Map.entry("END_OBJECT", "the end of an object"),
            Map.entry("START_ARRAY", "an array"),
            Map.entry("END_ARRAY", "the end of an array"),
            Map.entry("VALUE_STRING", "a string"),
            Map.entry("VALUE_NUMBER_INT", "a whole number"),
            Map.entry("VALUE_NUMBER_FLOAT", "a number"),
            Map.entry("VALUE_TRUE", "a boolean"),
            Map.entry("VALUE_FALSE", "a boolean"),
            Map.entry("VALUE_NULL", "null"),
            Map.entry("FIELD_NAME", "a field name"));

    private BodyErrors() {}

    /** A 400 problem for a body that did not parse into the endpoint's request. */
    static ApiException describe(Throwable failure) {
        String reason = reason(failure);
        String field = fieldPath(failure);
        if (!field.isEmpty()) {
            return ApiException.invalidFields(List.of(new FieldError(field, reason)));
        }
        return ApiException.badRequest("The request body cannot be read" + location(failure) + ": " + reason
                + ". Send a JSON object with the documented fields and types.");
    }

    /** The dotted path of the field that failed, from the nesting of property failures. */
    private static String fieldPath(Throwable failure) {
        StringBuilder path = new StringBuilder();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof InvalidPropertyFormatException property) {
                path.append(path.isEmpty() ? "" : ".")
                        .append(property.getArgument().getName());
            }
        }
        return path.toString();
    }

    private static String reason(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String message = cause.getMessage() == null ? "" : cause.getMessage();
            Matcher enumValue = ENUM_VALUE.matcher(message);
            if (enumValue.find()) {
                return "must be one of " + enumValue.group(1) + " (was '" + enumValue.group(2) + "')";
            }
            Matcher token = UNEXPECTED_TOKEN.matcher(message);
            if (token.find()) {
                return "expected " + TOKENS.getOrDefault(token.group(2), "another value") + " but found "
                        + TOKENS.getOrDefault(token.group(1), "something else");
            }
            Matcher own = OWN_MESSAGE.matcher(message);
            if (own.find()) {
                return own.group();
            }
        }
        return find(failure, InvalidFormatException.class).isPresent()
                ? "a value has the wrong type or format"
                : "it is not well-formed JSON";
    }

    private static String location(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            Matcher location = LOCATION.matcher(cause.getMessage() == null ? "" : cause.getMessage());
            if (location.find()) {
                return " at line " + location.group(1) + ", column " + location.group(2);
            }
        }
        return "";
    }

    private static <T extends Throwable> Optional<T> find(Throwable failure, Class<T> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return Optional.of(type.cast(cause));
            }
        }
        return Optional.empty();
    }
}
