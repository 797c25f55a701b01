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
import io.packwright.activities.store.release.LedgerEntry;
import io.packwright.activities.temporal.TemporalProperties;
import io.packwright.api.auth.Caller;
import io.packwright.api.auth.Tenancy;
import io.packwright.api.packs.IntegrationPackService;
import io.packwright.api.paging.PageRequest;
import io.packwright.api.paging.PageResponse;
import io.packwright.api.problem.ApiException;
import io.packwright.api.problem.FieldError;
import io.packwright.api.releases.ControlRequest;
import io.packwright.api.releases.ReleaseControlService;
import io.packwright.api.releases.ReleaseInstanceResponse;
import io.packwright.api.releases.ReleaseResponse;
import io.packwright.api.releases.ReleaseRetryService;
import io.packwright.api.releases.ReleaseService;
import io.packwright.api.releases.RescheduleRequest;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.validation.Validator;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * The partner's release pages: a pack's releases, and one release with its live progress, its waves,
 * its per-instance ledger (filtered by status, exported as CSV) and the control actions of its
 * status. Everything goes through the services the API's release endpoints call.
 */
@Hidden
@Controller(ConsolePaths.ROOT)
@Secured(SecurityRule.IS_ANONYMOUS)
@ExecuteOn(TaskExecutors.BLOCKING)
class ConsoleReleasesController {

    private static final int PAGE_SIZE = 25;
    private static final int LEDGER_PAGE_SIZE = 50;
    private static final String CSV = "text/csv;charset=utf-8";

    private final ReleaseService releases;
    private final ReleaseControlService control;
    private final ReleaseRetryService retries;
    private final IntegrationPackService packs;
    private final Tenancy tenancy;
    private final Validator validator;
    private final TemporalUiProperties temporalUi;
    private final TemporalProperties temporal;
    private final Clock clock;

    ConsoleReleasesController(
            ReleaseService releases,
            ReleaseControlService control,
            ReleaseRetryService retries,
            IntegrationPackService packs,
            Tenancy tenancy,
            Validator validator,
            TemporalUiProperties temporalUi,
            TemporalProperties temporal,
            Clock clock) {
        this.releases = releases;
        this.control = control;
        this.retries = retries;
        this.packs = packs;
        this.tenancy = tenancy;
        this.validator = validator;
        this.temporalUi = temporalUi;
        this.temporal = temporal;
        this.clock = clock;
    }

    /** A pack's releases, newest first. */
    @Get("/packs/{id}/releases")
    HttpResponse<?> list(
            HttpRequest<?> request,
            @Nullable Authentication authentication,
            @PathVariable String id,
            @Nullable @QueryValue String pageToken) {
        return ConsoleViews.forId(request, authentication, id, tenancy, (caller, packId) -> {
            try {
                String packName = packs.get(caller, packId).name();
                PageResponse<ReleaseResponse> page =
                        releases.list(caller, packId, PageRequest.newestFirst(PAGE_SIZE, pageToken));
                return HttpResponse.ok(new ModelAndView<>(
                        "releases",
                        ConsoleViews.model(request, caller, "Releases of " + packName)
                                .with("packId", packId)
                                .with("releases", page.items())
                                .with("nextPageToken", page.nextPageToken())
                                .map()));
            } catch (ApiException e) {
                return ConsoleErrors.page(request, caller, e);
            }
        });
    }

    /** One release, with a page of its ledger (all entries, or those in {@code status}). */
    @Get("/releases/{id}")
    HttpResponse<?> show(
            HttpRequest<?> request,
            @Nullable Authentication authentication,
            @PathVariable String id,
            @Nullable @QueryValue String status,
            @Nullable @QueryValue String pageToken) {
        return ConsoleViews.forId(request, authentication, id, tenancy, (caller, releaseId) -> {
            try {
                ReleaseView view = view(caller, releaseId);
                LedgerEntry.Status filter = ledgerStatus(status);
                PageResponse<ReleaseInstanceResponse> ledger =
                        releases.instances(caller, releaseId, filter, PageRequest.of(LEDGER_PAGE_SIZE, pageToken));
                return HttpResponse.ok(new ModelAndView<>(
                        "release",
                        ConsoleViews.model(
                                        request,
                                        caller,
                                        "Release " + view.release().releaseNumber() + " of " + view.packName())
                                .with("view", view)
                                .with("ledger", ledger.items())
                                .with("ledgerStatus", filter == null ? "" : filter.name())
                                .with("nextPageToken", ledger.nextPageToken())
                                .with("today", LocalDate.now(clock.withZone(ConsolePage.zoneOf(caller))))
                                .map()));
            } catch (ApiException e) {
                return ConsoleErrors.page(request, caller, e);
            }
        });
    }

    /**
     * The release's progress, which its page polls while the release is open; once its status is no
     * longer the one the page shows ({@code shown}), the page reloads, with the actions of the new one.
     */
    @Get("/releases/{id}/progress")
    HttpResponse<?> progress(
            HttpRequest<?> request,
            @Nullable Authentication authentication,
            @PathVariable String id,
            @Nullable @QueryValue String shown) {
        return ConsoleViews.forId(request, authentication, id, tenancy, (caller, releaseId) -> {
            ReleaseView view;
            try {
                view = view(caller, releaseId);
            } catch (ApiException e) {
                return ConsoleErrors.page(request, caller, e);
            }
            if (!view.release().status().name().equals(shown)) {
                return HttpResponse.noContent().header("HX-Refresh", "true");
            }
            return HttpResponse.ok(
                    new ModelAndView<>("releaseProgress", Map.of("view", view, "zone", ConsolePage.zoneOf(caller))));
        });
    }

    /**
     * The release's whole ledger (or its entries in {@code status}) as CSV, read page by page while
     * it is sent, so that a release of any size streams in bounded memory.
     */
    @Get("/releases/{id}/ledger.csv")
    HttpResponse<?> ledgerCsv(
            HttpRequest<?> request,
            @Nullable Authentication authentication,
            @PathVariable String id,
            @Nullable @QueryValue String status) {
        return ConsoleViews.forId(request, authentication, id, tenancy, (caller, releaseId) -> {
            LedgerEntry.Status filter;
            PageResponse<ReleaseInstanceResponse> first;
            ReleaseResponse release;
            try {
                filter = ledgerStatus(status);
                release = releases.get(caller, releaseId);
                // the first page is read here, so that a release of another tenant is a 404, not a broken download
                first = releases.instances(caller, releaseId, filter, PageRequest.of(PageRequest.MAX_LIMIT, null));
            } catch (ApiException e) {
                return ConsoleErrors.page(request, caller, e);
            }
            Publisher<String> body = Flux.concat(
                    Flux.just(LedgerCsv.HEADER + LedgerCsv.rows(first.items())),
                    Flux.<String, String>generate(() -> first.nextPageToken(), (token, sink) -> {
                                if (token == null) {
                                    sink.complete();
                                    return null;
                                }
                                PageResponse<ReleaseInstanceResponse> page = releases.instances(
                                        caller, releaseId, filter, PageRequest.of(PageRequest.MAX_LIMIT, token));
                                sink.next(LedgerCsv.rows(page.items()));
                                return page.nextPageToken();
                            })
                            .subscribeOn(Schedulers.boundedElastic()));
            String name = "release-" + release.releaseNumber() + "-ledger"
                    + (filter == null ? "" : "-" + filter.name().toLowerCase(Locale.ROOT)) + ".csv";
            return HttpResponse.ok(body)
                    .contentType(CSV)
                    .header("Content-Disposition", "attachment; filename=\"" + name + "\"");
        });
    }

    /** A control action ({@link ReleaseView.Action}); the page reloads on success, else shows the refusal. */
    @Post(value = "/releases/{id}/{action}", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> act(
            HttpRequest<?> request,
            @Nullable Authentication authentication,
            @PathVariable String id,
            @PathVariable String action,
            @Nullable @Body Map<String, String> form) {
        return ConsoleViews.forId(request, authentication, id, tenancy, (caller, releaseId) -> {
            ReleaseView.Action chosen = ReleaseView.Action.ofPath(action);
            if (chosen == null) {
                return ConsoleErrors.notFound(request, caller);
            }
            try {
                List<FieldError> errors = perform(caller, releaseId, chosen, form == null ? Map.of() : form);
                if (!errors.isEmpty()) {
                    return alert(errors);
                }
            } catch (ApiException e) {
                return alert(ConsoleForms.errorsOf(e));
            }
            return ConsoleViews.redirect(ConsolePaths.release(releaseId));
        });
    }

    /** Performs the action; the form's problems when it has some (then nothing was done). */
    private List<FieldError> perform(
            Caller caller, UUID releaseId, ReleaseView.Action action, Map<String, String> form) {
        switch (action) {
            case RESCHEDULE -> {
                LocalDate date;
                try {
                    date = LocalDate.parse(form.getOrDefault("releaseOnDate", ""));
                } catch (DateTimeParseException e) {
                    return List.of(new FieldError("releaseOnDate", "Pick the new release date."));
                }
                control.reschedule(caller, releaseId, new RescheduleRequest(date));
            }
            case CANCEL, PAUSE, ABORT -> {
                String reason = form.getOrDefault("reason", "").strip();
                ControlRequest body = new ControlRequest(reason.isEmpty() ? null : reason);
                List<FieldError> errors = ConsoleForms.violations(validator, body);
                if (!errors.isEmpty()) {
                    return errors;
                }
                switch (action) {
                    case CANCEL -> control.cancel(caller, releaseId, body);
                    case PAUSE -> control.pause(caller, releaseId, body);
                    default -> control.abort(caller, releaseId, body);
                }
            }
            case RESUME -> control.resume(caller, releaseId);
            case PROMOTE -> control.promote(caller, releaseId);
            case RETRY_FAILED -> retries.retryFailed(caller, releaseId);
        }
        return List.of();
    }

    private ReleaseView view(Caller caller, UUID releaseId) {
        ReleaseResponse release = releases.get(caller, releaseId);
        String packName = packs.get(caller, release.integrationPackId()).name();
        return ReleaseView.of(
                release,
                packName,
                temporalUi
                        .workflowPage(temporal.namespace(), release.workflowId())
                        .orElse(null));
    }

    private static LedgerEntry.Status ledgerStatus(@Nullable String status) {
        if (status == null || status.isEmpty()) {
            return null;
        }
        try {
            return LedgerEntry.Status.valueOf(status);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidField("status", "must be APPLIED, FAILED, REVERTED or PENDING");
        }
    }

    private static HttpResponse<?> alert(List<FieldError> errors) {
        return ConsoleViews.alert(errors.stream().map(FieldError::message).toList());
    }
}
