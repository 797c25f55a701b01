package io.packwright.worker;

import io.packwright.activities.temporal.SearchAttributeRegistrar;
import io.packwright.activities.temporal.TemporalProperties;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the release search attributes on the worker's namespace once, before the reconciler's
 * first pass starts release workflows ({@code packwright.worker.register-search-attributes}, on by
 * default). Registration is idempotent, so every worker replica may do it.
 *
 * <p>A failure never stops the worker: while Temporal is unreachable the next pass tries again;
 * when the worker's credentials may not call the operator service (Temporal Cloud API keys usually
 * cannot) it logs how to register them instead and stops trying.
 */
@Singleton
final class SearchAttributeRegistration {

    private static final Logger LOG = LoggerFactory.getLogger(SearchAttributeRegistration.class);

    private final TemporalProperties temporal;
    private volatile boolean pending;

    SearchAttributeRegistration(TemporalProperties temporal, WorkerProperties properties) {
        this.temporal = temporal;
        this.pending = properties.registerSearchAttributes();
    }

    /** Registers the attributes unless that is done, turned off or impossible; never throws. */
    void ensureRegistered() {
        if (!pending) {
            return;
        }
        try {
            SearchAttributeRegistrar.register(temporal);
            pending = false;
        } catch (SearchAttributeRegistrar.RegistrationException e) {
            if (e.retryable()) {
                LOG.warn(
                        "Could not register the release search attributes yet ({}); retrying before the next"
                                + " reconciliation. Release workflows cannot start until they are registered, by this"
                                + " worker or by {}",
                        e.getMessage(),
                        SearchAttributeRegistrar.DEPLOY_SCRIPT);
            } else {
                pending = false;
                LOG.warn(
                        "Could not register the release search attributes ({}). Register them with {} (or in the"
                                + " Temporal Cloud namespace settings) and set"
                                + " PACKWRIGHT_WORKER_REGISTER_SEARCH_ATTRIBUTES=false; release workflows cannot start"
                                + " until they exist",
                        e.getMessage(),
                        SearchAttributeRegistrar.DEPLOY_SCRIPT);
            }
        } catch (RuntimeException e) {
            LOG.warn(
                    "Could not register the release search attributes; retrying before the next reconciliation"
                            + " (or register them with {})",
                    SearchAttributeRegistrar.DEPLOY_SCRIPT,
                    e);
        }
    }

    /** Whether a registration is still to be done, for tests and diagnostics. */
    boolean pending() {
        return pending;
    }
}
