package io.packwright.api.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

/** What the api's benchmarks share: figures from samples, and waiting for a release over HTTP. */
public final class Benchmarks {

    private Benchmarks() {}

    /** The {@code fraction} percentile of sorted nanosecond samples, in milliseconds; 0 without samples. */
    public static double percentileMillis(List<Long> sortedNanos, double fraction) {
        if (sortedNanos.isEmpty()) {
            return 0;
        }
        int index = (int) Math.ceil(fraction * sortedNanos.size()) - 1;
        return sortedNanos.get(Math.max(0, Math.min(index, sortedNanos.size() - 1))) / 1e6;
    }

    /** The id of a {@code 201} response. */
    public static UUID createdId(ApiResponse created) {
        assertEquals(201, created.status(), created::toString);
        return UUID.fromString(created.string("id"));
    }

    /** Polls the release every 50 ms until it has {@code status}, for at most {@code patience}. */
    public static void awaitStatus(ApiClient api, UUID partner, String release, String status, Duration patience)
            throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        ApiResponse seen;
        do {
            Thread.sleep(50);
            seen = api.get("/api/v1/releases/" + release, Tokens.account(partner));
        } while (!status.equals(seen.string("status")) && System.nanoTime() < deadline);
        assertEquals(status, seen.string("status"), seen::toString);
    }
}
