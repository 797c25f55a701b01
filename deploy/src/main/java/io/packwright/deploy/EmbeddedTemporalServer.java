package io.packwright.deploy;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Temporal's Java test server as a gRPC endpoint on the loopback interface, in real time (time
 * skipping locked). It keeps every workflow in memory: a restart forgets them, and the project's
 * reconciler restarts the open releases from the database. Registered search attributes are kept in
 * memory too: {@link EmbeddedStack} registers the release search attributes after every start.
 *
 * <p>It wires the same services as {@code TestServer.createPortBoundServer(port, true)}, but that
 * factory binds every network interface and cannot tell which port it got for port 0; this class
 * binds 127.0.0.1 only and reports the actual port.
 */
final class EmbeddedTemporalServer implements AutoCloseable {

    private final TestServicesStarter services;
    private final Server server;

    private EmbeddedTemporalServer(TestServicesStarter services, Server server) {
        this.services = services;
        this.server = server;
    }

    /**
     * Starts the server.
     *
     * @param port the TCP port on 127.0.0.1, or 0 for a free one
     */
    static EmbeddedTemporalServer start(int port) {
        TestServicesStarter services = new TestServicesStarter(true, 0);
        NettyServerBuilder builder = NettyServerBuilder.forAddress(
                new InetSocketAddress("127.0.0.1", port), InsecureServerCredentials.create());
        GRPCServerHelper.registerServicesAndHealthChecks(services.getServices(), builder);
        try {
            return new EmbeddedTemporalServer(services, builder.build().start());
        } catch (IOException e) {
            services.close();
            throw new UncheckedIOException("cannot start the Temporal test server on 127.0.0.1:" + port, e);
        }
    }

    /** {@code host:port} for {@code TEMPORAL_ADDRESS}. */
    String address() {
        return "127.0.0.1:" + server.getPort();
    }

    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            services.close();
        }
    }

    @Override
    public String toString() {
        return "Temporal test server on " + address();
    }
}
