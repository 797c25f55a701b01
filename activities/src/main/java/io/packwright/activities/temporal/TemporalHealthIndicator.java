package io.packwright.activities.temporal;

import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.endpoint.health.HealthEndpoint;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.scheduling.TaskExecutors;
import io.temporal.serviceclient.WorkflowServiceStubs;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.reactivestreams.Publisher;

/**
 * The {@code temporal} component of {@code /health}: UP when the Temporal frontend answers the
 * standard gRPC health check for its workflow service with SERVING, DOWN otherwise, with the address
 * and namespace as details. The check is bounded by the SDK's health-check deadline (5 seconds by
 * default) and runs on the blocking executor, never on an event loop.
 */
@Singleton
@Requires(beans = HealthEndpoint.class)
final class TemporalHealthIndicator implements HealthIndicator {

    static final String NAME = "temporal";

    private final WorkflowServiceStubs serviceStubs;
    private final TemporalProperties properties;
    private final ExecutorService blockingExecutor;

    TemporalHealthIndicator(
            WorkflowServiceStubs serviceStubs,
            TemporalProperties properties,
            @Named(TaskExecutors.BLOCKING) ExecutorService blockingExecutor) {
        this.serviceStubs = serviceStubs;
        this.properties = properties;
        this.blockingExecutor = blockingExecutor;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        return Publishers.fromCompletableFuture(() -> CompletableFuture.supplyAsync(this::check, blockingExecutor));
    }

    private HealthResult check() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("address", properties.address());
        details.put("namespace", properties.namespace());
        HealthStatus status;
        try {
            ServingStatus servingStatus = serviceStubs.healthCheck().getStatus();
            details.put("servingStatus", servingStatus.name());
            status = servingStatus == ServingStatus.SERVING ? HealthStatus.UP : HealthStatus.DOWN;
        } catch (StatusRuntimeException e) {
            details.put("error", e.getStatus().getCode() + describe(e));
            status = HealthStatus.DOWN;
        } catch (RuntimeException e) {
            details.put("error", e.toString());
            status = HealthStatus.DOWN;
        }
        return HealthResult.builder(NAME, status).details(details).build();
    }

    private static String describe(StatusRuntimeException e) {
        String description = e.getStatus().getDescription();
        return description == null ? "" : ": " + description;
    }
}
