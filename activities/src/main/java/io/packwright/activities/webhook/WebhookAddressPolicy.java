package io.packwright.activities.webhook;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Where webhooks may go (server-side request forgery protection): {@code https} to a public address;
 * with {@link WebhookProperties#allowLoopback} also {@code http} or {@code https} to a loopback
 * address. Never a private, link-local, unique-local, shared (carrier-grade NAT), multicast,
 * unspecified or cloud metadata address. The api checks an endpoint's URL when it is registered or
 * changed ({@link #checkUrl}); the sender checks again, at every attempt, each address it is about
 * to connect to ({@link #checkAddress}), so that a name that resolves elsewhere later is refused too.
 */
@Singleton
public class WebhookAddressPolicy {

    /** Resolves a host name to its addresses; tests inject one that answers without DNS. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** Why a URL or an address is refused, in words for the person who registered the endpoint. */
    public static final class RefusedException extends Exception {
        public RefusedException(String message) {
            super(message);
        }
    }

    private final boolean allowLoopback;
    private final Resolver resolver;

    /** The application's policy: {@link WebhookProperties#allowLoopback}, resolving through the system's DNS. */
    @Inject
    public WebhookAddressPolicy(WebhookProperties properties) {
        this(properties.allowLoopback(), InetAddress::getAllByName);
    }

    /** A policy with its own resolver: tests answer host names without DNS. */
    public WebhookAddressPolicy(boolean allowLoopback, Resolver resolver) {
        this.allowLoopback = allowLoopback;
        this.resolver = resolver;
    }

    /** The resolver the sender connects through, so that it checks what it actually connects to. */
    public Resolver resolver() {
        return resolver;
    }

    /**
     * Checks an endpoint URL: absolute, {@code https} (or {@code http} to loopback when allowed), a
     * host and no user info or fragment, and every address its host resolves to allowed.
     *
     * @return the parsed URL
     * @throws RefusedException with a reason a person can act on
     */
    public URI checkUrl(String url) throws RefusedException {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new RefusedException("'url' is not a valid URL: " + e.getReason() + ".");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || uri.getHost() == null || uri.getRawAuthority() == null) {
            throw new RefusedException("'url' must be an absolute https URL with a host, such as"
                    + " https://hooks.example.com/packwright.");
        }
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new RefusedException("'url' must use https, not " + scheme + ".");
        }
        if (uri.getRawUserInfo() != null) {
            throw new RefusedException("'url' must not contain a user name or password; authenticate the"
                    + " deliveries by their signature instead.");
        }
        if (uri.getRawFragment() != null) {
            throw new RefusedException("'url' must not have a fragment (#...).");
        }
        InetAddress[] addresses = resolve(uri.getHost());
        for (InetAddress address : addresses) {
            checkAddress(address);
        }
        if (scheme.equals("http") && !(allowLoopback && allLoopback(addresses))) {
            throw new RefusedException(
                    allowLoopback
                            ? "'url' must use https; http is allowed only to loopback addresses in this deployment."
                            : "'url' must use https.");
        }
        return uri;
    }

    /** The addresses of {@code host}, each checked; what the sender connects to. */
    public InetAddress[] resolveChecked(String host) throws RefusedException {
        InetAddress[] addresses = resolve(host);
        for (InetAddress address : addresses) {
            checkAddress(address);
        }
        return addresses;
    }

    /**
     * Refuses an address webhooks must not reach.
     *
     * @throws RefusedException naming the address and what kind it is
     */
    public void checkAddress(InetAddress address) throws RefusedException {
        String kind = forbiddenKind(address);
        if (kind != null) {
            throw new RefusedException("'url' resolves to " + address.getHostAddress() + ", " + kind
                    + "; webhooks go only to public addresses.");
        }
    }

    private InetAddress[] resolve(String host) throws RefusedException {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        try {
            InetAddress[] addresses = resolver.resolve(bare);
            if (addresses == null || addresses.length == 0) {
                throw new UnknownHostException(bare);
            }
            return addresses;
        } catch (UnknownHostException e) {
            throw new RefusedException("'url' names the host " + bare + ", which does not resolve.");
        }
    }

    private static boolean allLoopback(InetAddress[] addresses) {
        for (InetAddress address : addresses) {
            if (!address.isLoopbackAddress()) {
                return false;
            }
        }
        return true;
    }

    /** What kind of forbidden address this is, or {@code null} when webhooks may go there. */
    private String forbiddenKind(InetAddress address) {
        if (address.isLoopbackAddress()) {
            return allowLoopback ? null : "a loopback address";
        }
        if (address instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            InetAddress mapped = v4Mapped(b);
            if (mapped != null) {
                return forbiddenKind(mapped);
            }
            if (isMetadataV6(b)) {
                return "a cloud metadata address";
            }
            if ((b[0] & 0xfe) == 0xfc) {
                return "a unique local (private) address";
            }
        }
        if (address instanceof Inet4Address v4) {
            byte[] b = v4.getAddress();
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            if (first == 169 && second == 254) {
                return (b[2] & 0xff) == 169 && (b[3] & 0xff) == 254
                        ? "a cloud metadata address"
                        : "a link-local address";
            }
            if (first == 100 && second >= 64 && second <= 127) {
                return "a shared (carrier-grade NAT) address";
            }
            if (first == 0) {
                return "an unspecified address";
            }
            if (first >= 240) {
                return "a reserved address";
            }
            if (first == 192 && second == 0 && (b[2] & 0xff) == 0) {
                return "a reserved (IETF protocol) address";
            }
            if (first == 198 && (second == 18 || second == 19)) {
                return "a reserved (benchmarking) address";
            }
        }
        if (address.isAnyLocalAddress()) {
            return "an unspecified address";
        }
        if (address.isLinkLocalAddress()) {
            return "a link-local address";
        }
        if (address.isSiteLocalAddress()) {
            return "a private address";
        }
        if (address.isMulticastAddress()) {
            return "a multicast address";
        }
        return null;
    }

    /** The IPv4 address of an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}), else {@code null}. */
    private static InetAddress v4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return null;
            }
        }
        if ((b[10] & 0xff) != 0xff || (b[11] & 0xff) != 0xff) {
            return null;
        }
        try {
            return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** {@code fd00:ec2::254}, the instance metadata service over IPv6. */
    private static boolean isMetadataV6(byte[] b) {
        byte[] metadata = {(byte) 0xfd, 0, 0x0e, (byte) 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54};
        return java.util.Arrays.equals(b, metadata);
    }
}
