package io.packwright.api.json;

import io.micronaut.context.annotation.Factory;
import io.micronaut.core.type.Argument;
import io.micronaut.serde.Decoder;
import io.micronaut.serde.Deserializer;
import jakarta.inject.Singleton;
import java.io.IOException;

/**
 * Request bodies are read strictly: a JSON boolean field takes only {@code true}/{@code false} and a
 * string field only a JSON string. Micronaut Serialization would otherwise coerce {@code "yes"} to
 * {@code false} and {@code 12} to {@code "12"}, silently storing something the client did not mean.
 */
@Factory
class StrictScalarDeserializers {

    @Singleton
    Deserializer<Boolean> strictBoolean() {
        return new Deserializer<>() {
            @Override
            public Boolean deserialize(Decoder decoder, DecoderContext context, Argument<? super Boolean> type)
                    throws IOException {
                Object value = decoder.decodeArbitrary();
                if (value instanceof Boolean bool) {
                    return bool;
                }
                throw decoder.createDeserializationException("expected true or false but found " + kind(value), value);
            }
        };
    }

    @Singleton
    Deserializer<String> strictString() {
        return new Deserializer<>() {
            @Override
            public String deserialize(Decoder decoder, DecoderContext context, Argument<? super String> type)
                    throws IOException {
                Object value = decoder.decodeArbitrary();
                if (value instanceof String string) {
                    return string;
                }
                throw decoder.createDeserializationException("expected a string but found " + kind(value), value);
            }
        };
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
        if (value instanceof java.util.List) {
            return "an array";
        }
        if (value instanceof java.util.Map) {
            return "an object";
        }
        return "null";
    }
}
