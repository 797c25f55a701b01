package io.packwright.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packwright.api.support.ApiResponse;
import io.packwright.api.support.CatalogApiTestBase;
import io.packwright.api.support.Tokens;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code retry-failed} while Temporal cannot be reached (nothing listens at the configured address
 * on loopback): a {@code 503} problem with {@code Retry-After} within the start deadline, and
 * nothing changed.
 */
class ReleaseRetryUnavailableApiTest extends CatalogApiTestBase {

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(super.getProperties());
        // port 1 on loopback: connections are refused at once
        properties.put("temporal.address", "127.0.0.1:1");
        return properties;
    }

    @Test
    void aRetryThatCannotStartIsA503AndChangesNothing() {
        UUID partner = createPartner("Partner " + UUID.randomUUID(), true, false);
        UUID customer = createManaged(partner, "Customer");
        UUID pack = fixtures.pack(partner, "Pack", "SINGLE");
        UUID component = fixtures.component(partner, "Orders", "PROCESS");
        fixtures.pkg(partner, component, "1.0", true);
        fixtures.add(partner, pack, component);
        UUID first = fixtures.releaseNow(pack);
        fixtures.instances(customer, pack, first, 3);
        fixtures.pkg(partner, component, "2.0", true);
        UUID release = fixtures.releaseInProgress(pack);
        String ledger = "SELECT count(*) FROM release_instances WHERE release_id = '" + release + "'";

        long started = System.nanoTime();
        ApiResponse refused = assertProblem(
                503,
                api.raw("POST", "/api/v1/releases/" + release + "/retry-failed", Tokens.account(partner), null, ""));

        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(took.compareTo(Duration.ofSeconds(20)) < 0, "bounded by the start deadline: " + took);
        assertTrue(refused.string("detail").contains("Nothing was changed"), refused::toString);
        assertEquals("30", refused.headers().firstValue("Retry-After").orElse(null), refused::toString);
        assertEquals(0, count(ledger));
        assertEquals(
                3,
                count("SELECT count(*) FROM integration_pack_instances WHERE installed_release_id = '" + first + "'"));
    }
}
