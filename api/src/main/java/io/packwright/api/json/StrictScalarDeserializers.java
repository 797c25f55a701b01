package io.packwright.api.json;

import io.micronaut.context.annotation.Factory;
import io.micronaut.core.type.Argument;
import io.micronaut.serde.Decoder;
import io.micronaut.serde.Deserializer;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Request bodies are read strictly: a JSON boolean field takes only {@code true}/{@code false} and a
 * string field only a JSON string. Micronaut Serialization would otherwise coerce {@code "yes"} to
 * {@code false} and {@code 12} to {@code "12"}, silently storing something the client did not mean.
 */
@Factory
class StrictScalarDeserializers {

    @Singleton
    Deserializer<Boolean> strictBoolean() {
        return new Strict<>(Boolean.class, "true or false");
    }

    @Singleton
    Deserializer<String> strictString() {
        return new Strict<>(String.class, "a string");
    }

    /** Accepts only JSON values that already are a {@code T}. */
    private record Strict<T>(Class<T> type, String expected) implements Deserializer<T> {

        @Override
        public T deserialize(Decoder decoder, DecoderContext context, Argument<? super T> argument) throws IOException {
            Object value = decoder.decodeArbitrary();
            if (type.isInstance(value)) {
                return type.cast(value);
            }
            throw decoder.createDeserializationException("expected " + expected + " but found " + kind(value), value);
        }

        private static String kind(Object value) {
            if (value instanceof String) {
                return "a string";
            }
            if (value instanceof Number) {
                return "a number";
            }
            if (value instanceof Boolean) {
                return "a boolean";
            }
            if (value instanceof List) {
                return "an array";
            }
            if (value instanceof Map) {
                return "an object";
            }
            return "null";
        }
    }
}
