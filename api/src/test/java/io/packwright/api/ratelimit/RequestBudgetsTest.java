package io.packwright.api.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The budgets themselves: separate per principal, writes spend both, memory stays bounded. */
class RequestBudgetsTest {

    @Test
    void aWriteSpendsBothBudgetsAndARefusedOneSpendsNothing() {
        RequestBudgets budgets = new RequestBudgets(new RateLimitProperties(true, 1, 3, 1, 2, 100));
        RatePrincipal account = new RatePrincipal(RatePrincipal.Kind.ACCOUNT, "a");

        assertTrue(budgets.spend(account, true).isEmpty());
        assertTrue(budgets.spend(account, true).isEmpty());
        Optional<RequestBudgets.Refusal> third = budgets.spend(account, true);
        assertTrue(third.isPresent() && third.get().writes(), "the write budget is spent: " + third);
        assertTrue(budgets.spend(account, false).isEmpty(), "the refused write left a request for a read");
        Optional<RequestBudgets.Refusal> fourth = budgets.spend(account, false);
        assertTrue(fourth.isPresent() && !fourth.get().writes(), "now the request budget is spent: " + fourth);
        assertTrue(fourth.get().retryAfter().compareTo(Duration.ofSeconds(1)) <= 0, fourth::toString);

        assertTrue(
                budgets.spend(new RatePrincipal(RatePrincipal.Kind.OPERATOR, "admin"), false)
                        .isEmpty(),
                "every principal has a budget of its own");
    }

    @Test
    void budgetsKeptInMemoryAreBounded() {
        RequestBudgets budgets = new RequestBudgets(new RateLimitProperties(true, 50, 100, 10, 20, 100));
        for (int i = 0; i < 10_000; i++) {
            assertFalse(budgets.spend(new RatePrincipal(RatePrincipal.Kind.ACCOUNT, "account-" + i), false)
                    .isPresent());
        }
        assertTrue(budgets.kept() <= 100, "kept " + budgets.kept());
    }

    @Test
    void anIdleBudgetIsForgottenOnceItWouldBeFullAgain() {
        assertEquals(Duration.ofSeconds(2), new RateLimitProperties(true, 50, 100, 10, 20, 1).refillTime());
        assertEquals(Duration.ofMillis(2500), new RateLimitProperties(true, 2, 5, 10, 20, 1).refillTime());
        assertEquals(Duration.ofSeconds(1), new RateLimitProperties(true, 1000, 10, 1000, 10, 1).refillTime());
    }
}
