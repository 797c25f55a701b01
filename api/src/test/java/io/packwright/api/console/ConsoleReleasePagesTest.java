package io.packwright.api.console;

import static io.packwright.api.support.ApiClient.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packwright.api.support.ApiResponse;
import io.packwright.api.support.CatalogFixtures;
import io.packwright.api.support.ReleaseWorkerApiTestBase;
import io.packwright.api.support.Tokens;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The partner's release pages over HTTP and in Chromium, with the release workflows running: a
 * pack's releases, one release's progress, waves and ledger (filtered, exported as CSV), its control
 * actions in each status, another tenant's release, the Temporal UI link.
 */
class ConsoleReleasePagesTest extends ReleaseWorkerApiTestBase {

    private static final String TEMPORAL_UI = "http://127.0.0.1:8233";

    private UUID partner;
    private UUID customer;
    private UUID stranger;
    private UUID component;
    private UUID pack;
    private String released;
    private String applied;
    private String failed;
    private Chromium chromium;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = ConsoleTestBase.withConsole(super.getProperties());
        properties.put("packwright.temporal-ui.url", TEMPORAL_UI + "/");
        return properties;
    }

    /**
     * Release 1 without extensions on two instances, then release 2 that requires {@code region},
     * which only one of them has: one applied, one failed with the reason.
     */
    @BeforeAll
    void aReleaseWithAFailedInstance() {
        partner = createPartner("Release Pages Partner", true, true);
        stranger = createPartner("Release Pages Stranger", true, false);
        customer = createManaged(partner, "Release Pages Customer");
        pack = fixtures.pack(partner, "Pack with releases", "MULTI");
        component = fixtures.component(partner, "Orders", "PROCESS");
        fixtures.pkg(partner, component, "1.0", true);
        fixtures.add(partner, pack, component);
        fixtures.group(partner, "Customers", customer, pack);
        awaitStatus(partner, release(obj("releaseSchedule", "IMMEDIATELY")), "RELEASED");
        applied = install("has a region");
        failed = install("lacks a region");
        fixtures.exec(
                "INSERT INTO instance_extension_values (integration_pack_instance_id, key, value) VALUES (?, 'region',"
                        + " 'eu')",
                UUID.fromString(applied));
        fixtures.pkg(
                partner, component, "2.0", true, CatalogFixtures.extension("region", "PROCESS_PROPERTY", true, false));
        released = release(obj("releaseSchedule", "IMMEDIATELY"));
        awaitStatus(partner, released, "RELEASED");
    }

    @AfterEach
    void closeBrowser() {
        if (chromium != null) {
            chromium.close();
            chromium = null;
        }
    }

    private String release(Map<String, Object> body) {
        ApiResponse response =
                api.post("/api/v1/integration-packs/" + pack + "/releases", Tokens.account(partner), body);
        assertEquals(202, response.status(), response::toString);
        return response.string("id");
    }

    private String install(String name) {
        ApiResponse installed = api.post(
                "/api/v1/integration-pack-instances",
                Tokens.account(customer),
                obj("integrationPackId", pack, "integrationPackOverrideName", name));
        assertEquals(201, installed.status(), installed::toString);
        return installed.string("id");
    }

    private ConsoleBrowser signedIn(UUID account) {
        ConsoleBrowser browser = new ConsoleBrowser(server.getURI());
        browser.signIn(account.toString());
        return browser;
    }

    private static List<String> lines(HttpResponse<String> csv) {
        return Arrays.asList(csv.body().split("\r\n"));
    }

    @Test
    void thePacksReleasesAndOneReleaseWithItsProgressLedgerAndWorkflowLink() {
        ConsoleBrowser browser = signedIn(partner);

        HttpResponse<String> list = browser.get("/console/packs/" + pack + "/releases");
        assertEquals(200, list.statusCode(), list::body);
        assertTrue(list.body().contains("href=\"/console/releases/" + released + "\""), list::body);
        assertTrue(list.body().indexOf(">Release 2<") < list.body().indexOf(">Release 1<"), "newest first");

        HttpResponse<String> page = browser.get("/console/releases/" + released);
        assertEquals(200, page.statusCode(), page::body);
        String body = page.body();
        assertTrue(body.contains("<h1>Release 2 of Pack with releases</h1>"), body);
        assertTrue(body.contains("id=\"release-status\">RELEASED<"), body);
        assertTrue(body.contains("<progress id=\"release-bar\" max=\"100\" value=\"100\">"), body);
        assertTrue(body.contains("id=\"count-failed\">1<"), body);
        assertFalse(body.contains("hx-trigger=\"every 2s\""), "a final release is not polled");
        assertTrue(body.contains("href=\"" + TEMPORAL_UI + "/namespaces/"), "links to the workflow in the Temporal UI");
        assertTrue(body.contains("Retry the failed instances"), "a released release with a failure offers the retry");
        assertFalse(body.contains(">Pause<") || body.contains("Abort the release"), body);
        assertTrue(body.contains(applied) && body.contains(failed), "the ledger lists both instances");

        HttpResponse<String> failures = browser.get("/console/releases/" + released + "?status=FAILED");
        assertEquals(200, failures.statusCode());
        assertTrue(failures.body().contains(failed), failures::body);
        assertFalse(failures.body().contains(applied), "only the failed instance");
        assertTrue(failures.body().contains("region"), "with the reason, which names the extension");
        assertTrue(failures.body().contains("<option value=\"FAILED\" selected>"), failures::body);

        HttpResponse<String> bad = browser.get("/console/releases/" + released + "?status=BROKEN");
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("APPLIED, FAILED, REVERTED or PENDING"), bad::body);
    }

    @Test
    void theLedgerExportsAsCsvWithEveryEntryOrThoseInAStatus() {
        ConsoleBrowser browser = signedIn(partner);

        HttpResponse<String> all = browser.get("/console/releases/" + released + "/ledger.csv");
        assertEquals(200, all.statusCode(), all::body);
        assertTrue(all.headers().firstValue("content-type").orElse("").startsWith("text/csv"));
        assertEquals(
                "attachment; filename=\"release-2-ledger.csv\"",
                all.headers().firstValue("content-disposition").orElse(null));
        List<String> rows = lines(all);
        assertEquals(LedgerCsv.HEADER.strip(), rows.get(0));
        assertEquals(3, rows.size(), all::body);
        assertTrue(rows.stream().anyMatch(row -> row.startsWith(applied + "," + customer + ",APPLIED,IMMEDIATE,")));

        HttpResponse<String> onlyFailed = browser.get("/console/releases/" + released + "/ledger.csv?status=FAILED");
        List<String> failedRows = lines(onlyFailed);
        assertEquals(2, failedRows.size(), onlyFailed::body);
        assertTrue(failedRows.get(1).startsWith(failed + "," + customer + ",FAILED,,,1,,"), failedRows::toString);
        assertTrue(failedRows.get(1).contains("region"), failedRows::toString);
    }

    @Test
    void aCsvFieldIsQuotedAndNeverAFormula() {
        assertEquals("plain", LedgerCsv.text("plain"));
        assertEquals("\"a, \"\"b\"\"\"", LedgerCsv.text("a, \"b\""));
        assertEquals("'=HYPERLINK(1)", LedgerCsv.text("=HYPERLINK(1)"));
        assertEquals("\"'-1,2\"", LedgerCsv.text("-1,2"));
        assertEquals("\"two\r\nlines\"", LedgerCsv.text("two\r\nlines"));
        assertEquals("", LedgerCsv.text(null));
    }

    @Test
    void aScheduledReleaseIsRescheduledAndCancelledFromItsPageAndRefusesWhatItsStatusDoesNot() {
        LocalDate today = LocalDate.now(ZoneId.of("Europe/Berlin"));
        UUID scheduledPack = fixtures.pack(partner, "Scheduled pack", "SINGLE");
        fixtures.add(partner, scheduledPack, fixtures.shareableProcess(partner, "Nightly sync"));
        ApiResponse created = api.post(
                "/api/v1/integration-packs/" + scheduledPack + "/releases",
                Tokens.account(partner),
                obj(
                        "releaseSchedule",
                        "RELEASE_ON_SPECIFIED_DATE",
                        "releaseOnDate",
                        today.plusDays(5).toString()));
        assertEquals(202, created.status(), created::toString);
        String scheduled = created.string("id");
        ConsoleBrowser browser = signedIn(partner);
        HttpResponse<String> page = browser.get("/console/releases/" + scheduled);
        assertEquals(200, page.statusCode(), page::body);
        assertTrue(page.body().contains(">Reschedule<") && page.body().contains("Cancel the release"), page::body);
        assertFalse(page.body().contains(">Pause<"), "pausing is for a release in progress");
        assertTrue(page.body().contains("hx-trigger=\"every 2s\""), "an open release is polled");

        HttpResponse<String> noToken = browser.post("/console/releases/" + scheduled + "/cancel", Map.of(), null);
        assertEquals(403, noToken.statusCode());

        HttpResponse<String> pause = browser.post("/console/releases/" + scheduled + "/pause", Map.of());
        assertEquals(200, pause.statusCode());
        assertTrue(pause.body().contains("role=\"alert\""), pause::body);
        assertTrue(pause.body().contains("SCHEDULED"), "the service's 409 says why: " + pause.body());

        HttpResponse<String> noDate = browser.post("/console/releases/" + scheduled + "/reschedule", Map.of());
        assertTrue(noDate.body().contains("Pick the new release date."), noDate::body);
        HttpResponse<String> past = browser.post(
                "/console/releases/" + scheduled + "/reschedule",
                Map.of("releaseOnDate", today.minusDays(1).toString()));
        assertTrue(past.body().contains("role=\"alert\""), past::body);
        HttpResponse<String> moved = browser.post(
                "/console/releases/" + scheduled + "/reschedule",
                Map.of("releaseOnDate", today.plusDays(9).toString()));
        assertEquals(204, moved.statusCode(), moved::body);
        assertEquals(
                "/console/releases/" + scheduled,
                moved.headers().firstValue("HX-Redirect").orElse(null));
        ApiResponse afterMove = api.get("/api/v1/releases/" + scheduled, Tokens.account(partner));
        assertEquals(today.plusDays(9).toString(), afterMove.string("releaseOnDate"));

        HttpResponse<String> longReason =
                browser.post("/console/releases/" + scheduled + "/cancel", Map.of("reason", "x".repeat(1001)));
        assertTrue(longReason.body().contains("role=\"alert\""), longReason::body);
        assertEquals(
                "SCHEDULED",
                api.get("/api/v1/releases/" + scheduled, Tokens.account(partner))
                        .string("status"));

        HttpResponse<String> cancelled =
                browser.post("/console/releases/" + scheduled + "/cancel", Map.of("reason", "Wrong packages"));
        assertEquals(204, cancelled.statusCode(), cancelled::body);
        ApiResponse afterCancel = awaitStatus(partner, scheduled, "CANCELLED");
        assertEquals("Wrong packages", afterCancel.string("statusReason"));

        HttpResponse<String> progress = browser.get("/console/releases/" + scheduled + "/progress?shown=SCHEDULED");
        assertEquals(204, progress.statusCode());
        assertEquals("true", progress.headers().firstValue("HX-Refresh").orElse(null), "the page reloads");
        HttpResponse<String> same = browser.get("/console/releases/" + scheduled + "/progress?shown=CANCELLED");
        assertEquals(200, same.statusCode());
        assertFalse(same.body().contains("hx-trigger=\"every 2s\""), "and stops polling");
        HttpResponse<String> unknown = browser.post("/console/releases/" + scheduled + "/explode", Map.of());
        assertEquals(404, unknown.statusCode());
    }

    @Test
    void anotherTenantsReleaseIsNotFoundOnEveryPage() {
        ConsoleBrowser browser = signedIn(stranger);
        for (String path : List.of(
                "/console/releases/" + released,
                "/console/releases/" + released + "/progress?shown=RELEASED",
                "/console/releases/" + released + "/ledger.csv",
                "/console/packs/" + pack + "/releases",
                "/console/releases/not-a-release")) {
            HttpResponse<String> page = browser.get(path);
            assertEquals(404, page.statusCode(), path);
            assertFalse(page.body().contains("Pack with releases"), path);
        }
        HttpResponse<String> retry = browser.post("/console/releases/" + released + "/retry-failed", Map.of());
        assertEquals(200, retry.statusCode());
        assertTrue(retry.body().contains("role=\"alert\"") && retry.body().contains("No release"), retry::body);

        ConsoleBrowser managed = signedIn(customer);
        assertEquals(403, managed.get("/console/releases/" + released).statusCode(), "not a partner's page");
    }

    @Test
    void inChromiumThePartnerWatchesAReleaseReachReleasedAndFindsTheFailedInstanceWithItsReason() {
        fixtures.pkg(
                partner, component, "3.0", true, CatalogFixtures.extension("region", "PROCESS_PROPERTY", true, false));
        chromium = Chromium.start();
        WebDriverWait wait = new WebDriverWait(chromium.driver, Duration.ofSeconds(20));
        chromium.driver.get(server.getURI().resolve("/console/sign-in").toString());
        chromium.driver
                .findElement(By.xpath("//button[normalize-space()='Release Pages Partner']"))
                .click();
        wait.until(ExpectedConditions.urlToBe(
                server.getURI().resolve("/console/packs").toString()));
        chromium.driver.get(server.getURI().resolve("/console/packs/" + pack).toString());
        chromium.driver
                .findElement(By.xpath("//summary[normalize-space()='Release integration pack']"))
                .click();
        chromium.driver
                .findElement(By.xpath("//form[@id='release-form']//button[normalize-space()='Release']"))
                .click();
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        wait.until(ExpectedConditions.stalenessOf(chromium.driver.findElement(By.id("release-form"))));

        chromium.driver
                .findElement(By.xpath("//a[starts-with(normalize-space(), 'Releases of')]"))
                .click();
        chromium.screenshot("releases");
        chromium.driver
                .findElement(By.xpath("//a[normalize-space()='Release 3']"))
                .click();
        // the page polls its progress and reloads once the status moves on
        wait.ignoring(WebDriverException.class)
                .until(driver ->
                        driver.findElement(By.id("release-status")).getText().equals("RELEASED"));
        chromium.screenshot("release-released");
        assertEquals("1", chromium.driver.findElement(By.id("count-failed")).getText());

        new Select(chromium.driver.findElement(By.id("ledger-status"))).selectByValue("FAILED");
        chromium.driver
                .findElement(By.xpath("//form[contains(@class, 'filter')]//button[normalize-space()='Show']"))
                .click();
        wait.until(ExpectedConditions.urlContains("status=FAILED"));
        String ledger = chromium.driver.findElement(By.id("ledger-table")).getText();
        assertTrue(ledger.contains(failed), ledger);
        assertFalse(ledger.contains(applied), ledger);
        assertTrue(ledger.contains("region"), "the failure reason: " + ledger);
        chromium.screenshot("release-failed-instances");
        chromium.phone();
        chromium.screenshot("release-phone");
    }
}
