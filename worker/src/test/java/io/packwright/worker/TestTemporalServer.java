package io.packwright.worker;

import io.temporal.testserver.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Temporal's Java test server as a real gRPC endpoint on a free port, in real time. */
final class TestTemporalServer implements AutoCloseable {

    private final TestServer.PortBoundTestServer server;
    private final int port;

    private TestTemporalServer(TestServer.PortBoundTestServer server, int port) {
        this.server = server;
        this.port = port;
    }

    static TestTemporalServer start() {
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

    static TestTemporalServer startOn(int port) {
        return new TestTemporalServer(TestServer.createPortBoundServer(port, true), port);
    }

    /** A port that nothing listens on right now. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String address() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() {
        server.close();
    }
}
