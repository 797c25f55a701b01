package io.packwright.activities.store;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;
import java.util.UUID;

/**
 * Identifiers of every stored resource: UUIDv7, whose order is creation order, so lists page by
 * id alone (keyset pagination) and indexes stay append-mostly.
 */
public final class Ids {

    private static final TimeBasedEpochGenerator GENERATOR = Generators.timeBasedEpochGenerator();

    private Ids() {}

    /** A new, time-ordered id. */
    public static UUID next() {
        return GENERATOR.generate();
    }
}
