package io.packwright.api.console;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.views.ModelAndView;
import io.packwright.api.auth.Caller;
import io.packwright.api.auth.Tenancy;
import io.packwright.api.problem.ApiException;
import io.packwright.api.problem.FieldError;
import io.packwright.api.releases.CreateReleaseRequest;
import io.packwright.api.releases.ReleasePreviewResponse;
import io.packwright.api.releases.ReleaseService;
import io.packwright.workflows.release.ReleaseSchedule;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.validation.Validator;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The release dialog of a pack's page: "Release Immediate" or "Release Pending" on a date, a preview
 * of what the release would contain, reach and fail on (and what creating it would answer now)
 * before it is confirmed, and the release itself. Both go through {@link ReleaseService}, as the
 * API's release-preview and releases do.
 */
@Hidden
@Controller(ConsolePaths.ROOT + "/packs/{id}")
@Secured(SecurityRule.IS_ANONYMOUS)
@ExecuteOn(TaskExecutors.BLOCKING)
class ConsoleReleaseDialogController {

    private final ReleaseService releases;
    private final Tenancy tenancy;
    private final Validator validator;

    ConsoleReleaseDialogController(ReleaseService releases, Tenancy tenancy, Validator validator) {
        this.releases = releases;
        this.tenancy = tenancy;
        this.validator = validator;
    }

    /** What the dialog's choices would release, without releasing anything. */
    @Post(value = "/release-preview", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> preview(
            HttpRequest<?> request,
            @Nullable Authentication authentication,
            @PathVariable String id,
            @Body Map<String, String> form) {
        return withDialog(request, authentication, id, form, (caller, packId, release) -> {
            ReleasePreviewResponse preview = releases.preview(caller, packId, release);
            return HttpResponse.ok(new ModelAndView<>(
                    "releasePreview", Map.of("preview", preview, "zone", ConsolePage.zoneOf(caller))));
        });
    }

    /** Releases the pack as the dialog says; the browser goes back to the pack, which shows the release. */
    @Post(value = "/releases", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> release(
            HttpRequest<?> request,
            @Nullable Authentication authentication,
            @PathVariable String id,
            @Body Map<String, String> form) {
        return withDialog(request, authentication, id, form, (caller, packId, release) -> {
            releases.create(caller, packId, release);
            return ConsoleViews.redirect(ConsolePaths.pack(packId));
        });
    }

    /** What the dialog does with its release, for the caller and the pack. */
    @FunctionalInterface
    private interface DialogAction {
        HttpResponse<?> apply(Caller caller, UUID packId, CreateReleaseRequest release);
    }

    /** The dialog's release read from its form, then the action; a refusal is shown in the dialog. */
    private HttpResponse<?> withDialog(
            HttpRequest<?> request,
            @Nullable Authentication authentication,
            String id,
            Map<String, String> form,
            DialogAction action) {
        return ConsoleViews.forId(request, authentication, id, tenancy, (caller, packId) -> {
            Parsed parsed = parse(form);
            if (!parsed.errors().isEmpty()) {
                return alert(parsed.errors());
            }
            try {
                return action.apply(caller, packId, parsed.request());
            } catch (ApiException e) {
                return alert(ConsoleForms.errorsOf(e));
            }
        });
    }

    private record Parsed(@Nullable CreateReleaseRequest request, List<FieldError> errors) {}

    private Parsed parse(Map<String, String> form) {
        ReleaseSchedule schedule;
        try {
            schedule = ReleaseSchedule.valueOf(form.getOrDefault("releaseSchedule", ""));
        } catch (IllegalArgumentException e) {
            return new Parsed(
                    null, List.of(new FieldError("releaseSchedule", "Choose Release Immediate or Release Pending.")));
        }
        LocalDate date = null;
        if (schedule == ReleaseSchedule.RELEASE_ON_SPECIFIED_DATE) {
            try {
                date = LocalDate.parse(form.getOrDefault("releaseOnDate", ""));
            } catch (DateTimeParseException e) {
                return new Parsed(
                        null, List.of(new FieldError("releaseOnDate", "Pick the release date of a pending release.")));
            }
        }
        String notes = form.getOrDefault("releaseNotes", "");
        CreateReleaseRequest request =
                new CreateReleaseRequest(schedule, date, notes.isEmpty() ? null : notes, null, null);
        return new Parsed(request, ConsoleForms.violations(validator, request));
    }

    private static HttpResponse<?> alert(List<FieldError> errors) {
        return ConsoleViews.alert(errors.stream().map(FieldError::message).toList());
    }
}
