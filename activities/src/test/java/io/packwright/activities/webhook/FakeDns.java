package io.packwright.activities.webhook;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * A {@link WebhookAddressPolicy.Resolver} that never asks DNS and never connects: address literals
 * are parsed (IPv4 only when strictly dotted-quad, so that nothing falls through to a lookup), and
 * names resolve only to what a test {@link #register registered}; any other name does not resolve.
 * Shared with the api tests through this module's test-jar.
 */
public final class FakeDns implements WebhookAddressPolicy.Resolver {

    private static final Pattern DOTTED_QUAD =
            Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    private final Map<String, List<InetAddress>> names = new ConcurrentHashMap<>();

    /** Makes {@code host} resolve to these addresses (literals). */
    public FakeDns register(String host, String... addresses) {
        List<InetAddress> parsed = new ArrayList<>();
        for (String address : addresses) {
            parsed.add(literal(address));
        }
        names.put(host.toLowerCase(Locale.ROOT), List.copyOf(parsed));
        return this;
    }

    /** Makes {@code host} resolve to these addresses. */
    public FakeDns register(String host, InetAddress... addresses) {
        names.put(host.toLowerCase(Locale.ROOT), List.of(addresses));
        return this;
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        List<InetAddress> registered = names.get(host.toLowerCase(Locale.ROOT));
        if (registered != null) {
            return registered.toArray(InetAddress[]::new);
        }
        if (DOTTED_QUAD.matcher(host).matches() || host.contains(":")) {
            return new InetAddress[] {parse(host)};
        }
        throw new UnknownHostException(host);
    }

    /** An address literal, parsed without any lookup. */
    public static InetAddress literal(String address) {
        if (!DOTTED_QUAD.matcher(address).matches() && !address.contains(":")) {
            throw new IllegalArgumentException("not an address literal: " + address);
        }
        try {
            return parse(address);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(address, e);
        }
    }

    // only ever called with a dotted quad or a string with ':', which InetAddress parses without a lookup
    private static InetAddress parse(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }
}
