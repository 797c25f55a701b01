package io.packwright.worker;

import io.packwright.activities.temporal.SearchAttributeRegistrar;
import io.packwright.activities.temporal.TemporalProperties;
import io.temporal.serviceclient.OperatorServiceStubs;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the release search attributes on the worker's namespace before every pass of the
 * reconciler, so that no pass starts a release workflow on a namespace that lacks them ({@code
 * packwright.worker.register-search-attributes}, on by default).
 *
 * <p>Once per process is not enough: a Temporal server that loses its state under a running worker
 * (the embedded test server, a development server started again) loses the attributes with its
 * workflows, and then refuses every start with {@code INVALID_ARGUMENT} until they are registered
 * again. Registering is idempotent and costs one call per attribute on one kept connection, so every
 * worker replica does it every pass.
 *
 * <p>A failure never stops the worker: while Temporal is unreachable the next pass tries again;
 * when the worker's credentials may not call the operator service (Temporal Cloud API keys usually
 * cannot) it logs how to register them instead and stops trying.
 */
@Singleton
final class SearchAttributeRegistration {

    private static final Logger LOG = LoggerFactory.getLogger(SearchAttributeRegistration.class);
    private static final long CLOSE_TIMEOUT_SECONDS = 5;

    private final TemporalProperties temporal;
    private volatile boolean active;
    private volatile boolean registered;
    private OperatorServiceStubs stubs;

    SearchAttributeRegistration(TemporalProperties temporal, WorkerProperties properties) {
        this.temporal = temporal;
        this.active = properties.registerSearchAttributes();
    }

    /**
     * Registers the attributes unless that is turned off or refused for good; never throws.
     *
     * @return whether release workflows may be started now: false only when registering is on and
     *     just failed in a way that a later attempt may fix (Temporal unreachable)
     */
    synchronized boolean ensureRegistered() {
        if (!active) {
            return true;
        }
        try {
            if (stubs == null) {
                // connects on first use and reconnects by itself, like the application's client
                stubs = SearchAttributeRegistrar.operatorStubs(temporal);
            }
            SearchAttributeRegistrar.register(stubs, temporal.namespace());
            if (!registered) {
                LOG.info("Release search attributes are registered on namespace {}", temporal.namespace());
            }
            registered = true;
            return true;
        } catch (SearchAttributeRegistrar.RegistrationException e) {
            registered = false;
            if (e.retryable()) {
                LOG.warn(
                        "Could not register the release search attributes yet ({}); retrying before the next"
                                + " reconciliation. Release workflows cannot start until they are registered, by this"
                                + " worker or by {}",
                        e.getMessage(),
                        SearchAttributeRegistrar.DEPLOY_SCRIPT);
                return false;
            }
            active = false;
            LOG.warn(
                    "Could not register the release search attributes ({}). Register them with {} (or in the"
                            + " Temporal Cloud namespace settings) and set"
                            + " PACKWRIGHT_WORKER_REGISTER_SEARCH_ATTRIBUTES=false; release workflows cannot start"
                            + " until they exist",
                    e.getMessage(),
                    SearchAttributeRegistrar.DEPLOY_SCRIPT);
            return true;
        } catch (RuntimeException e) {
            registered = false;
            LOG.warn(
                    "Could not register the release search attributes; retrying before the next reconciliation"
                            + " (or register them with {})",
                    SearchAttributeRegistrar.DEPLOY_SCRIPT,
                    e);
            return false;
        }
    }

    /**
     * Whether passes register the attributes: false when that is turned off, or was refused for
     * good. For tests and diagnostics.
     */
    boolean active() {
        return active;
    }

    /** Whether the latest registration succeeded, for tests and diagnostics. */
    boolean registered() {
        return registered;
    }

    @PreDestroy
    synchronized void close() {
        if (stubs != null) {
            stubs.shutdownNow();
            stubs.awaitTermination(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }
}
