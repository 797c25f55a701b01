package io.packwright.activities.temporal;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.packwright.workflows.release.ReleaseSearchAttributes;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.ServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the typed search attributes of release workflows ({@link
 * ReleaseSearchAttributes#definitions()}) on a Temporal namespace through the operator service, so
 * that release workflows can be started with them (a start with an unknown attribute is rejected
 * with {@code INVALID_ARGUMENT}).
 *
 * <p>Idempotent: an attribute that already exists counts as registered. Servers answer that case
 * differently (success, or {@code ALREADY_EXISTS} for the whole request on older versions), so each
 * attribute is added with a request of its own. Used by the embedded stack and the test fixtures
 * right after their Temporal test server is up, and by the worker before every reconciliation; on a
 * cluster whose credentials may not call the operator service (Temporal Cloud API keys usually
 * cannot), {@code deploy/temporal/register-search-attributes.sh} or the cloud console registers them
 * instead.
 */
public final class SearchAttributeRegistrar {

    /** The script that registers the same attributes with the {@code temporal} CLI. */
    public static final String DEPLOY_SCRIPT = "deploy/temporal/register-search-attributes.sh";

    private static final Logger LOG = LoggerFactory.getLogger(SearchAttributeRegistrar.class);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    // Waiting does not fix these: credentials that may not call the operator service, a server
    // without it, or an attribute that exists with another type.
    private static final Set<Status.Code> PERMANENT = Set.of(
            Status.Code.PERMISSION_DENIED,
            Status.Code.UNAUTHENTICATED,
            Status.Code.UNIMPLEMENTED,
            Status.Code.INVALID_ARGUMENT);

    private SearchAttributeRegistrar() {}

    /**
     * Registers the release search attributes on {@code properties}' namespace, over the same
     * connection (address, TLS, API key) as the application's Temporal client.
     *
     * @throws RegistrationException when an attribute could not be registered
     */
    public static void register(TemporalProperties properties) {
        register(
                TemporalClientFactory.serviceStubsOptions(properties, null),
                properties.namespace(),
                ReleaseSearchAttributes.definitions());
    }

    /**
     * Operator-service stubs over the same connection (address, TLS, API key) as the application's
     * Temporal client, for a caller that registers again and again on one connection; the caller
     * closes them.
     */
    public static OperatorServiceStubs operatorStubs(TemporalProperties properties) {
        return OperatorServiceStubs.newServiceStubs(
                OperatorServiceStubsOptions.newBuilder(TemporalClientFactory.serviceStubsOptions(properties, null))
                        .validateAndBuildWithDefaults());
    }

    /**
     * Registers the release search attributes on {@code namespace} through {@code stubs}, which stay
     * open.
     *
     * @throws RegistrationException when an attribute could not be registered
     */
    public static void register(OperatorServiceStubs stubs, String namespace) {
        ReleaseSearchAttributes.definitions().forEach((name, type) -> add(stubs, namespace, name, type));
    }

    /**
     * Registers the release search attributes on a server without TLS or credentials, such as the
     * embedded Temporal test server.
     *
     * @param address the frontend as {@code host:port}
     * @throws RegistrationException when an attribute could not be registered
     */
    public static void registerPlaintext(String address, String namespace) {
        register(
                WorkflowServiceStubsOptions.newBuilder().setTarget(address).build(),
                namespace,
                ReleaseSearchAttributes.definitions());
    }

    /**
     * Registers {@code definitions} (name to type) on {@code namespace}.
     *
     * @throws RegistrationException when an attribute could not be registered
     */
    static void register(ServiceStubsOptions connection, String namespace, Map<String, IndexedValueType> definitions) {
        OperatorServiceStubs stubs = OperatorServiceStubs.newServiceStubs(
                OperatorServiceStubsOptions.newBuilder(connection).validateAndBuildWithDefaults());
        try {
            definitions.forEach((name, type) -> add(stubs, namespace, name, type));
            LOG.info("Release search attributes {} are registered on namespace {}", definitions.keySet(), namespace);
        } finally {
            stubs.shutdownNow();
            stubs.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private static void add(OperatorServiceStubs stubs, String namespace, String name, IndexedValueType type) {
        try {
            stubs.blockingStub()
                    .withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .addSearchAttributes(AddSearchAttributesRequest.newBuilder()
                            .setNamespace(namespace)
                            .putSearchAttributes(name, type)
                            .build());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.ALREADY_EXISTS) {
                LOG.debug("Search attribute {} already exists on namespace {}", name, namespace);
                return;
            }
            throw new RegistrationException(name, namespace, e);
        }
    }

    /** A search attribute could not be registered. */
    public static final class RegistrationException extends RuntimeException {

        private final Status.Code code;

        RegistrationException(String name, String namespace, StatusRuntimeException cause) {
            super(
                    "cannot register search attribute " + name + " on Temporal namespace " + namespace + ": "
                            + cause.getStatus().getCode() + describe(cause),
                    cause);
            this.code = cause.getStatus().getCode();
        }

        /** The gRPC status code of the failed call. */
        public Status.Code code() {
            return code;
        }

        /**
         * Whether retrying can help (Temporal unreachable, timed out): false when the credentials may
         * not call the operator service, the server does not offer it, or the attribute exists with
         * another type.
         */
        public boolean retryable() {
            return !PERMANENT.contains(code);
        }

        private static String describe(StatusRuntimeException e) {
            String description = e.getStatus().getDescription();
            return description == null ? "" : " (" + description + ")";
        }
    }
}
