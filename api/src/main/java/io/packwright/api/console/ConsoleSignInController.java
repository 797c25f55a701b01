package io.packwright.api.console;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.views.ModelAndView;
import io.packwright.activities.store.account.AccountEntity;
import io.packwright.activities.store.account.AccountRepository;
import io.packwright.api.auth.Caller;
import io.packwright.api.auth.Tenancy;
import io.packwright.api.problem.ApiException;
import io.swagger.v3.oas.annotations.Hidden;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Signing in and out of the console, and its front door, which sends each role to its first page.
 * The development sign-in ({@link ConsoleProperties#devSignIn()}) lists the accounts to act as; it is
 * off unless configured, and then answers 404.
 */
@Hidden
@Controller(ConsolePaths.ROOT)
@Secured(SecurityRule.IS_ANONYMOUS)
@ExecuteOn(TaskExecutors.BLOCKING)
class ConsoleSignInController {

    /** Partners listed by the development sign-in, each with at most this many managed accounts. */
    private static final int LISTED = 50;

    private final ConsoleProperties properties;
    private final ConsoleSessions sessions;
    private final AccountRepository accounts;
    private final Tenancy tenancy;

    ConsoleSignInController(
            ConsoleProperties properties, ConsoleSessions sessions, AccountRepository accounts, Tenancy tenancy) {
        this.properties = properties;
        this.sessions = sessions;
        this.accounts = accounts;
        this.tenancy = tenancy;
    }

    /** The signed-in caller's first page, or the sign-in page. */
    @Get
    HttpResponse<?> home(@Nullable Authentication authentication) {
        if (authentication == null) {
            return ConsoleViews.signIn();
        }
        Caller caller = tenancy.caller(authentication);
        return HttpResponse.seeOther(URI.create(ConsolePaths.home(caller)));
    }

    @Get("/sign-in")
    ModelAndView<Map<String, Object>> signIn(HttpRequest<?> request) {
        List<SignInChoice> choices = new ArrayList<>();
        if (properties.devSignIn()) {
            choices.add(new SignInChoice(Caller.ADMIN_SUBJECT, "Platform operator", "operator"));
            for (AccountEntity partner : accounts.findPartnersPage(new UUID(0, 0), LISTED)) {
                choices.add(new SignInChoice(partner.id().toString(), partner.name(), "partner"));
                for (AccountEntity managed : accounts.findManagedPage(partner.id(), new UUID(0, 0), LISTED)) {
                    choices.add(new SignInChoice(
                            managed.id().toString(), managed.name(), "managed account of " + partner.name()));
                }
            }
        }
        return new ModelAndView<>(
                "signIn",
                Map.of(
                        "page", ConsolePage.anonymous("Sign in", ConsoleViews.csrfToken(request)),
                        "devSignIn", properties.devSignIn(),
                        "choices", choices));
    }

    /** Signs in as the chosen account (development only). */
    @Post(value = "/sign-in/dev", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> devSignIn(HttpRequest<?> request, @Body Map<String, String> form) {
        if (!properties.devSignIn()) {
            throw ApiException.notFound("The development sign-in is off.");
        }
        String subject = form.getOrDefault("subject", "");
        if (!Caller.ADMIN_SUBJECT.equals(subject)) {
            UUID id;
            try {
                id = UUID.fromString(subject);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("Choose an account to sign in as.");
            }
            if (accounts.findById(id).isEmpty()) {
                throw ApiException.badRequest("That account does not exist (any more); reload the page.");
            }
        }
        return ConsoleViews.redirect(ConsolePaths.ROOT).cookie(sessions.sessionCookie(request, subject));
    }

    @Post(value = "/sign-out", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> signOut(HttpRequest<?> request) {
        return ConsoleViews.redirect(ConsolePaths.SIGN_IN).cookie(sessions.endedSession(request));
    }
}
