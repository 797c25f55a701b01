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
import io.packwright.api.auth.Tenancy;
import io.packwright.api.components.ComponentResponse;
import io.packwright.api.components.ComponentService;
import io.packwright.api.packs.IntegrationPackService;
import io.packwright.api.packs.PackContentService;
import io.packwright.api.packs.PublicationResponse;
import io.packwright.api.packs.UpdateIntegrationPackRequest;
import io.packwright.api.paging.PageRequest;
import io.packwright.api.problem.ApiException;
import io.packwright.api.problem.FieldError;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.validation.Validator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * What the partner changes on one pack's page: its name and description, and its components (the
 * add dialog with its filter, remove). Every change goes through {@link IntegrationPackService} or
 * {@link PackContentService}, as over the API; its refusal is shown next to the form or action.
 */
@Hidden
@Controller(ConsolePaths.ROOT + "/packs/{id}")
@Secured(SecurityRule.IS_ANONYMOUS)
@ExecuteOn(TaskExecutors.BLOCKING)
class ConsolePackContentController {

    /** Components the add dialog lists for one filter: type more to narrow it. */
    static final int CANDIDATES = 50;

    /** The prefix of the add dialog's check boxes, followed by the component id. */
    static final String COMPONENT_FIELD = "component-";

    private final IntegrationPackService packs;
    private final PackContentService contents;
    private final ComponentService components;
    private final Tenancy tenancy;
    private final Validator validator;

    ConsolePackContentController(
            IntegrationPackService packs,
            PackContentService contents,
            ComponentService components,
            Tenancy tenancy,
            Validator validator) {
        this.packs = packs;
        this.contents = contents;
        this.components = components;
        this.tenancy = tenancy;
        this.validator = validator;
    }

    /** The add dialog's list: the partner's components whose name contains the filter. */
    @Get("/candidates")
    HttpResponse<?> candidates(
            HttpRequest<?> request,
            @Nullable Authentication authentication,
            @PathVariable String id,
            @Nullable @QueryValue String filter) {
        return ConsoleViews.forId(request, authentication, id, tenancy, (caller, packId) -> {
            String text = filter == null ? "" : filter.strip();
            if (text.length() > 255) {
                text = text.substring(0, 255);
            }
            try {
                Set<UUID> members = contents.publications(caller, packId).items().stream()
                        .filter(publication -> !publication.deleted())
                        .map(PublicationResponse::componentId)
                        .collect(Collectors.toSet());
                List<ComponentResponse> found = components
                        .list(caller, text, PageRequest.of(CANDIDATES, null))
                        .items();
                return HttpResponse.ok(new ModelAndView<>(
                        "candidates",
                        Map.of("packId", packId, "components", found, "members", members, "filter", text)));
            } catch (ApiException e) {
                return ConsoleErrors.page(request, caller, e);
            }
        });
    }

    /** Adds the checked components; what the service refuses is listed in the dialog, the rest is added. */
    @Post(value = "/components", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> add(
            HttpRequest<?> request,
            @Nullable Authentication authentication,
            @PathVariable String id,
            @Body Map<String, String> form) {
        return ConsoleViews.forId(request, authentication, id, tenancy, (caller, packId) -> {
            List<UUID> chosen = new ArrayList<>();
            for (String field : form.keySet()) {
                if (field.startsWith(COMPONENT_FIELD)) {
                    ConsoleViews.id(field.substring(COMPONENT_FIELD.length())).ifPresent(chosen::add);
                }
            }
            if (chosen.isEmpty()) {
                return ConsoleViews.alert(List.of("Check the components to add first."));
            }
            if (chosen.size() > CANDIDATES) {
                return ConsoleViews.alert(List.of("Add at most " + CANDIDATES + " components at once."));
            }
            List<String> refused = new ArrayList<>();
            for (UUID component : chosen) {
                try {
                    contents.addComponent(caller, packId, component);
                } catch (ApiException e) {
                    refused.add(e.detail());
                }
            }
            return refused.isEmpty() ? ConsoleViews.redirect(ConsolePaths.pack(packId)) : ConsoleViews.alert(refused);
        });
    }

    /** Removes a component (the page asked for a confirmation first). */
    @Post(value = "/components/{componentId}/remove", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> remove(
            HttpRequest<?> request,
            @Nullable Authentication authentication,
            @PathVariable String id,
            @PathVariable String componentId) {
        return ConsoleViews.forId(request, authentication, id, tenancy, (caller, packId) -> {
            Optional<UUID> component = ConsoleViews.id(componentId);
            if (component.isEmpty()) {
                return ConsoleErrors.notFound(request, caller);
            }
            try {
                contents.removeComponent(caller, packId, component.get());
                return ConsoleViews.redirect(ConsolePaths.pack(packId));
            } catch (ApiException e) {
                return ConsoleViews.alert(List.of(e.detail()));
            }
        });
    }

    /** Renames the pack or changes its description; the form comes back with its errors. */
    @Post(value = "/edit", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> edit(
            HttpRequest<?> request,
            @Nullable Authentication authentication,
            @PathVariable String id,
            @Body Map<String, String> form) {
        return ConsoleViews.forId(request, authentication, id, tenancy, (caller, packId) -> {
            PackForm values = PackForm.of(form);
            UpdateIntegrationPackRequest body =
                    new UpdateIntegrationPackRequest(values.name(), values.description(), null);
            List<FieldError> errors = ConsoleForms.violations(validator, body);
            if (errors.isEmpty()) {
                try {
                    packs.update(caller, packId, body);
                    return ConsoleViews.redirect(ConsolePaths.pack(packId));
                } catch (ApiException e) {
                    errors = ConsoleForms.errorsOf(e);
                }
            }
            return HttpResponse.ok(new ModelAndView<>(
                    "packEditForm", Map.of("packId", packId, "form", values.withErrors(ConsoleForms.byField(errors)))));
        });
    }
}
