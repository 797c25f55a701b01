package io.packwright.activities.webhook;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.PropertySource;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Where webhooks may go, address by address and URL by URL, with a resolver that never asks DNS
 * ({@link FakeDns}) and nothing ever connected to.
 */
class WebhookAddressPolicyTest {

    private final FakeDns dns = new FakeDns()
            .register("hooks.example.com", "93.184.216.34")
            .register("v6.example.com", "2606:2800:220:1:248:1893:25c8:1946")
            .register("internal.example.com", "10.0.0.5")
            .register("split.example.com", "93.184.216.34", "192.168.1.10")
            .register("localhost", "127.0.0.1", "::1")
            .register("rebind.example.com", "169.254.169.254");
    private final WebhookAddressPolicy strict = new WebhookAddressPolicy(false, dns);
    private final WebhookAddressPolicy loopbackAllowed = new WebhookAddressPolicy(true, dns);

    /** The kind of forbidden address that the policy names, or {@code null} when it is allowed. */
    private static String refusal(WebhookAddressPolicy policy, InetAddress address) {
        try {
            policy.checkAddress(address);
            return null;
        } catch (WebhookAddressPolicy.RefusedException refused) {
            assertTrue(refused.getMessage().contains(address.getHostAddress()), refused::getMessage);
            return refused.getMessage();
        }
    }

    private static void assertRefusedAs(WebhookAddressPolicy policy, String address, String kind) {
        String refusal = refusal(policy, FakeDns.literal(address));
        assertTrue(refusal != null && refusal.contains(kind), () -> address + ": " + refusal);
    }

    private static void assertAllowed(WebhookAddressPolicy policy, String address) {
        String refusal = refusal(policy, FakeDns.literal(address));
        assertEquals(null, refusal, address);
    }

    /** An IPv6 address object as a resolver may return it: never turned into IPv4, even when mapped. */
    private static Inet6Address v6(String literal) {
        try {
            byte[] bytes = new byte[16];
            InetAddress parsed = FakeDns.literal(literal);
            if (parsed instanceof Inet6Address six) {
                return six;
            }
            // InetAddress parses ::ffff:a.b.c.d into an Inet4Address: build the mapped IPv6 form by hand
            bytes[10] = (byte) 0xff;
            bytes[11] = (byte) 0xff;
            System.arraycopy(parsed.getAddress(), 0, bytes, 12, 4);
            return Inet6Address.getByAddress(null, bytes, -1);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void publicAddressesAreAllowed() {
        for (String address : new String[] {
            "93.184.216.34",
            "8.8.8.8",
            "1.1.1.1",
            "172.32.0.1",
            "100.128.0.1",
            "192.0.2.1",
            "2606:2800:220:1:248:1893:25c8:1946",
            "2001:4860:4860::8888"
        }) {
            assertAllowed(strict, address);
            assertAllowed(loopbackAllowed, address);
        }
    }

    @Test
    void privateSharedAndReservedIpv4AddressesAreRefused() {
        for (WebhookAddressPolicy policy : new WebhookAddressPolicy[] {strict, loopbackAllowed}) {
            assertRefusedAs(policy, "10.0.0.1", "a private address");
            assertRefusedAs(policy, "10.255.255.255", "a private address");
            assertRefusedAs(policy, "172.16.0.1", "a private address");
            assertRefusedAs(policy, "172.31.255.254", "a private address");
            assertRefusedAs(policy, "192.168.1.1", "a private address");
            assertRefusedAs(policy, "100.64.0.1", "a shared (carrier-grade NAT) address");
            assertRefusedAs(policy, "100.127.255.254", "a shared (carrier-grade NAT) address");
            assertRefusedAs(policy, "0.0.0.0", "an unspecified address");
            assertRefusedAs(policy, "0.1.2.3", "an unspecified address");
            assertRefusedAs(policy, "240.0.0.1", "a reserved address");
            assertRefusedAs(policy, "255.255.255.255", "a reserved address");
            assertRefusedAs(policy, "192.0.0.8", "a reserved (IETF protocol) address");
            assertRefusedAs(policy, "198.18.0.1", "a reserved (benchmarking) address");
            assertRefusedAs(policy, "198.19.255.254", "a reserved (benchmarking) address");
            assertRefusedAs(policy, "224.0.0.1", "a multicast address");
            assertRefusedAs(policy, "239.255.255.250", "a multicast address");
        }
    }

    @Test
    void linkLocalAndMetadataAddressesAreRefused() {
        for (WebhookAddressPolicy policy : new WebhookAddressPolicy[] {strict, loopbackAllowed}) {
            assertRefusedAs(policy, "169.254.169.254", "a cloud metadata address");
            assertRefusedAs(policy, "169.254.1.1", "a link-local address");
            assertRefusedAs(policy, "fd00:ec2::254", "a cloud metadata address");
            assertRefusedAs(policy, "fe80::1", "a link-local address");
        }
    }

    @Test
    void privateAndSpecialIpv6AddressesAreRefused() {
        for (WebhookAddressPolicy policy : new WebhookAddressPolicy[] {strict, loopbackAllowed}) {
            assertRefusedAs(policy, "fd00::1", "a unique local (private) address");
            assertRefusedAs(policy, "fc00::1", "a unique local (private) address");
            assertRefusedAs(policy, "fec0::1", "a private address");
            assertRefusedAs(policy, "::", "an unspecified address");
            assertRefusedAs(policy, "ff02::1", "a multicast address");
        }
    }

    @Test
    void loopbackIsRefusedUnlessAllowed() {
        for (String address : new String[] {"127.0.0.1", "127.10.20.30", "::1"}) {
            assertRefusedAs(strict, address, "a loopback address");
            assertAllowed(loopbackAllowed, address);
        }
    }

    @Test
    void ipv4MappedIpv6AddressesAreJudgedByTheirIpv4Address() {
        Inet6Address privateMapped = v6("::ffff:10.0.0.1");
        assertEquals(16, privateMapped.getAddress().length, "a real IPv6 object");
        assertTrue(refusal(strict, privateMapped).contains("a private address"));
        assertTrue(refusal(loopbackAllowed, privateMapped).contains("a private address"));
        assertTrue(refusal(strict, v6("::ffff:169.254.169.254")).contains("a cloud metadata address"));
        assertTrue(refusal(strict, v6("::ffff:100.64.0.1")).contains("carrier-grade NAT"));
        assertTrue(refusal(strict, v6("::ffff:127.0.0.1")).contains("a loopback address"));
        assertEquals(null, refusal(loopbackAllowed, v6("::ffff:127.0.0.1")));
        assertEquals(null, refusal(strict, v6("::ffff:93.184.216.34")));
    }

    @Test
    void anHttpsUrlToAPublicHostIsAccepted() throws Exception {
        assertEquals(
                "hooks.example.com",
                strict.checkUrl("https://hooks.example.com/packwright").getHost());
        assertDoesNotThrow(() -> strict.checkUrl("https://v6.example.com:8443/hooks?x=1"));
        assertDoesNotThrow(() -> strict.checkUrl("HTTPS://HOOKS.EXAMPLE.COM/"));
        assertDoesNotThrow(() -> strict.checkUrl("https://93.184.216.34/hooks"));
        assertDoesNotThrow(() -> strict.checkUrl("https://[2606:2800:220:1:248:1893:25c8:1946]/hooks"));
    }

    @Test
    void urlsToRefusedAddressesAreRefusedWithTheAddressAndItsKind() {
        assertRefusedUrl(strict, "https://10.0.0.1/hooks", "10.0.0.1, a private address");
        assertRefusedUrl(strict, "https://169.254.169.254/latest/meta-data", "a cloud metadata address");
        assertRefusedUrl(strict, "https://[::1]/hooks", "a loopback address");
        assertRefusedUrl(strict, "https://[fd00:ec2::254]/hooks", "a cloud metadata address");
        assertRefusedUrl(strict, "https://internal.example.com/hooks", "10.0.0.5, a private address");
        assertRefusedUrl(strict, "https://rebind.example.com/hooks", "a cloud metadata address");
        // every address of the host must be allowed, not just one of them
        assertRefusedUrl(strict, "https://split.example.com/hooks", "192.168.1.10, a private address");
        assertRefusedUrl(loopbackAllowed, "https://internal.example.com/hooks", "a private address");
    }

    @Test
    void httpIsRefusedExceptToLoopbackWhereLoopbackIsAllowed() throws Exception {
        assertRefusedUrl(strict, "http://hooks.example.com/hooks", "must use https");
        assertRefusedUrl(strict, "http://127.0.0.1:8080/hooks", "a loopback address");
        assertRefusedUrl(strict, "https://127.0.0.1:8443/hooks", "a loopback address");
        assertRefusedUrl(strict, "http://localhost/hooks", "a loopback address");
        assertRefusedUrl(loopbackAllowed, "http://hooks.example.com/hooks", "http is allowed only to loopback");

        assertEquals(
                8080, loopbackAllowed.checkUrl("http://127.0.0.1:8080/hooks").getPort());
        assertDoesNotThrow(() -> loopbackAllowed.checkUrl("https://127.0.0.1:8443/hooks"));
        assertDoesNotThrow(() -> loopbackAllowed.checkUrl("http://[::1]:9000/hooks"));
        assertDoesNotThrow(() -> loopbackAllowed.checkUrl("http://localhost:9000/hooks"));
    }

    @Test
    void malformedUrlsAreRefusedWithWhatToChange() {
        assertRefusedUrl(strict, "not a url", "not a valid URL");
        assertRefusedUrl(strict, "/relative/path", "absolute https URL with a host");
        assertRefusedUrl(strict, "https:///no-host", "absolute https URL with a host");
        assertRefusedUrl(strict, "mailto:someone@example.com", "absolute https URL with a host");
        assertRefusedUrl(strict, "ftp://hooks.example.com/x", "must use https, not ftp");
        assertRefusedUrl(strict, "https://user:password@hooks.example.com/x", "user name or password");
        assertRefusedUrl(strict, "https://hooks.example.com/x#part", "fragment");
        assertRefusedUrl(strict, "https://unknown.example.com/x", "unknown.example.com, which does not resolve");
    }

    @Test
    void theSenderGetsEveryAddressCheckedThroughTheSameResolver() throws Exception {
        assertEquals(dns, strict.resolver());
        assertEquals(1, strict.resolveChecked("hooks.example.com").length);
        assertThrows(WebhookAddressPolicy.RefusedException.class, () -> strict.resolveChecked("split.example.com"));
        AtomicInteger lookups = new AtomicInteger();
        WebhookAddressPolicy counting = new WebhookAddressPolicy(false, host -> {
            lookups.incrementAndGet();
            return dns.resolve(host);
        });
        assertRefusedUrl(counting, "https://internal.example.com/x", "a private address");
        assertEquals(1, lookups.get(), "one lookup per check");
    }

    @Test
    void theApplicationsPolicyFollowsAllowLoopback() {
        try (ApplicationContext context = context(Map.of())) {
            WebhookAddressPolicy policy = context.getBean(WebhookAddressPolicy.class);
            assertRefusedAs(policy, "127.0.0.1", "a loopback address");
            assertRefusedAs(policy, "10.0.0.1", "a private address");
        }
        try (ApplicationContext context = context(Map.of("PACKWRIGHT_WEBHOOKS_ALLOW_LOOPBACK", "true"))) {
            WebhookAddressPolicy policy = context.getBean(WebhookAddressPolicy.class);
            assertAllowed(policy, "127.0.0.1");
            assertAllowed(policy, "::1");
            assertRefusedAs(policy, "10.0.0.1", "a private address");
            assertRefusedAs(policy, "169.254.169.254", "a cloud metadata address");
        }
    }

    private static void assertRefusedUrl(WebhookAddressPolicy policy, String url, String reason) {
        WebhookAddressPolicy.RefusedException refused =
                assertThrows(WebhookAddressPolicy.RefusedException.class, () -> policy.checkUrl(url), url);
        assertTrue(refused.getMessage().contains(reason), () -> url + ": " + refused.getMessage());
        assertTrue(refused.getMessage().startsWith("'url' "), refused::getMessage);
    }

    private static ApplicationContext context(Map<String, Object> environment) {
        Map<String, Object> variables = new HashMap<>(environment);
        variables.put("PACKWRIGHT_DEVELOPMENT_MODE", "true");
        return ApplicationContext.builder()
                .deduceEnvironment(false)
                .environmentPropertySource(false)
                .propertySources(PropertySource.of(
                        "test-environment", variables, PropertySource.PropertyConvention.ENVIRONMENT_VARIABLE))
                .start();
    }
}
