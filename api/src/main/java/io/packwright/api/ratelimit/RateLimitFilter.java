package io.packwright.api.ratelimit;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.security.authentication.Authentication;
import io.packwright.api.problem.ApiException;
import io.packwright.api.problem.ApiExceptionHandler;
import java.util.Optional;
import java.util.Set;

/**
 * Charges every {@code /api/**} request to its principal's budget ({@link RateLimitProperties}) and
 * answers 429 with {@code Retry-After} once it is spent, before any work is done for it. Runs after
 * the security filter, so that a request without a valid token is still a 401 and costs no budget;
 * health and metrics are outside {@code /api} and never limited. Runs on the event loop and never
 * blocks.
 */
@ServerFilter("/api/**")
class RateLimitFilter implements Ordered {

    private static final Set<HttpMethod> READS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    private final RateLimitProperties limits;
    private final RequestBudgets budgets;
    private final ApiExceptionHandler problems;

    RateLimitFilter(RateLimitProperties limits, RequestBudgets budgets, ApiExceptionHandler problems) {
        this.limits = limits;
        this.budgets = budgets;
        this.problems = problems;
    }

    @RequestFilter
    @Nullable
    HttpResponse<?> spend(HttpRequest<?> request) {
        if (!limits.enabled()) {
            return null;
        }
        Optional<Authentication> authentication = request.getUserPrincipal(Authentication.class);
        if (authentication.isEmpty()) {
            return null;
        }
        boolean write = !READS.contains(request.getMethod());
        return budgets.spend(RatePrincipal.of(authentication.get()), write)
                .map(refusal -> problems.handle(request, tooMany(refusal)))
                .orElse(null);
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.after();
    }

    private ApiException tooMany(RequestBudgets.Refusal refusal) {
        long seconds = ApiExceptionHandler.retryAfterSeconds(refusal.retryAfter());
        String wait = "Retry in " + seconds + (seconds == 1 ? " second" : " seconds") + " (Retry-After)";
        String detail = refusal.writes()
                ? "This caller has used up its budget for writes (POST, PUT, PATCH and DELETE): "
                        + limits.writesPerSecond() + " per second, in bursts of up to " + limits.writeBurst()
                        + ". Reads are still allowed. " + wait + " and spread writes out; the operator can raise"
                        + " the budget."
                : "This caller has used up its request budget: " + limits.requestsPerSecond()
                        + " requests per second, in bursts of up to " + limits.burst() + ". " + wait
                        + " and spread requests out; the operator can raise the budget.";
        return ApiException.tooManyRequests(detail, refusal.retryAfter());
    }
}
