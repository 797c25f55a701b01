package io.packwright.api.console;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.views.ModelAndView;
import io.packwright.activities.store.pack.InstallationType;
import io.packwright.api.auth.Caller;
import io.packwright.api.auth.Tenancy;
import io.packwright.api.packs.CreateIntegrationPackRequest;
import io.packwright.api.packs.IntegrationPackResponse;
import io.packwright.api.packs.IntegrationPackService;
import io.packwright.api.packs.PackContentService;
import io.packwright.api.paging.PageRequest;
import io.packwright.api.paging.PageResponse;
import io.packwright.api.problem.ApiException;
import io.packwright.api.problem.FieldError;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.validation.Validator;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * The partner's Manage › Integration Packs pages: the list of packs with the form that creates one,
 * and one pack. They call {@link IntegrationPackService} as the API does, with the same checks (the
 * request's constraints by the same validator, the rest by the service).
 */
@Hidden
@Controller(ConsolePaths.PACKS)
@Secured(SecurityRule.IS_ANONYMOUS)
@ExecuteOn(TaskExecutors.BLOCKING)
class ConsolePacksController {

    private static final int PAGE_SIZE = 25;

    private final IntegrationPackService packs;
    private final PackContentService contents;
    private final Tenancy tenancy;
    private final Validator validator;
    private final Clock clock;

    ConsolePacksController(
            IntegrationPackService packs,
            PackContentService contents,
            Tenancy tenancy,
            Validator validator,
            Clock clock) {
        this.clock = clock;
        this.packs = packs;
        this.contents = contents;
        this.tenancy = tenancy;
        this.validator = validator;
    }

    @Get
    HttpResponse<?> list(
            HttpRequest<?> request, @Nullable Authentication authentication, @Nullable @QueryValue String pageToken) {
        if (authentication == null) {
            return ConsoleViews.signIn();
        }
        Caller caller = tenancy.caller(authentication);
        PageResponse<IntegrationPackResponse> page = packs.list(caller, PageRequest.of(PAGE_SIZE, pageToken));
        return HttpResponse.ok(new ModelAndView<>(
                "packs",
                ConsoleViews.model(request, caller, "Integration Packs")
                        .with("packs", page.items())
                        .with("nextPageToken", page.nextPageToken())
                        .with("form", PackForm.empty())
                        .map()));
    }

    /** Creates a pack; the form comes back with the errors next to their fields, or the browser goes to the pack. */
    @Post(consumes = MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> create(
            HttpRequest<?> request, @Nullable Authentication authentication, @Body Map<String, String> form) {
        if (authentication == null) {
            return ConsoleViews.signIn();
        }
        Caller caller = tenancy.caller(authentication);
        PackForm values = PackForm.of(form);
        InstallationType type;
        try {
            type = values.installationType().isEmpty() ? null : InstallationType.valueOf(values.installationType());
        } catch (IllegalArgumentException e) {
            return formWithErrors(values, List.of(new FieldError("installationType", "Choose SINGLE or MULTI.")));
        }
        CreateIntegrationPackRequest body = new CreateIntegrationPackRequest(
                values.name(), values.description().isEmpty() ? null : values.description(), type);
        List<FieldError> errors = ConsoleForms.violations(validator, body);
        if (!errors.isEmpty()) {
            return formWithErrors(values, errors);
        }
        try {
            IntegrationPackResponse pack = packs.create(caller, body);
            return ConsoleViews.redirect(ConsolePaths.pack(pack.id()));
        } catch (ApiException e) {
            return formWithErrors(values, ConsoleForms.errorsOf(e));
        }
    }

    @Get("/{id}")
    HttpResponse<?> show(HttpRequest<?> request, @Nullable Authentication authentication, @PathVariable String id) {
        return ConsoleViews.forId(request, authentication, id, tenancy, (caller, packId) -> {
            IntegrationPackResponse pack;
            try {
                pack = packs.get(caller, packId);
            } catch (ApiException e) {
                return ConsoleErrors.page(request, caller, e);
            }
            return HttpResponse.ok(new ModelAndView<>(
                    "pack",
                    ConsoleViews.model(request, caller, pack.name())
                            .with("pack", pack)
                            .with("form", PackForm.of(pack))
                            .with(
                                    "publications",
                                    contents.publications(caller, packId).items())
                            .with("today", LocalDate.now(clock.withZone(ConsolePage.zoneOf(caller))))
                            .map()));
        });
    }

    /** Deletes the pack (what that does is in the confirmation the page asks for); the browser goes to the list. */
    @Post(value = "/{id}/delete", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> delete(HttpRequest<?> request, @Nullable Authentication authentication, @PathVariable String id) {
        return ConsoleViews.forId(request, authentication, id, tenancy, (caller, packId) -> {
            try {
                packs.delete(caller, packId);
            } catch (ApiException e) {
                return ConsoleViews.alert(List.of(e.detail()));
            }
            return ConsoleViews.redirect(ConsolePaths.PACKS);
        });
    }

    private static HttpResponse<?> formWithErrors(PackForm values, List<FieldError> errors) {
        return HttpResponse.ok(
                new ModelAndView<>("packForm", Map.of("form", values.withErrors(ConsoleForms.byField(errors)))));
    }
}
