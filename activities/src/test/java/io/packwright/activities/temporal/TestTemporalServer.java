package io.packwright.activities.temporal;

import io.temporal.testserver.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Temporal's Java test server as a real gRPC endpoint on a free port, in real time, with the release
 * search attributes registered (as the embedded stack and the deploy scripts do), so that release
 * workflows can be started on it. Shared with the api and worker tests through this module's
 * test-jar.
 */
public final class TestTemporalServer implements AutoCloseable {

    private final TestServer.PortBoundTestServer server;
    private final int port;

    private TestTemporalServer(TestServer.PortBoundTestServer server, int port) {
        this.server = server;
        this.port = port;
    }

    private static TestTemporalServer shared;

    /** One server for the whole test JVM, started on first use, for tests that only need an endpoint. */
    public static synchronized TestTemporalServer shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "test-temporal-server-stop"));
        }
        return shared;
    }

    /** A server of the caller's own, on a free port. */
    public static TestTemporalServer start() {
        RuntimeException lastFailure = null;
        // Another process can take the free port between probing and binding it; try a few.
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = freePort();
            try {
                return startOn(port);
            } catch (RuntimeException e) {
                lastFailure = e;
            }
        }
        throw lastFailure;
    }

    public static TestTemporalServer startOn(int port) {
        TestTemporalServer server = new TestTemporalServer(TestServer.createPortBoundServer(port, true), port);
        try {
            SearchAttributeRegistrar.registerPlaintext(server.address(), TemporalProperties.DEFAULT_NAMESPACE);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** A port that nothing listens on right now. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code host:port} to give {@code temporal.address}. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() {
        server.close();
    }
}
