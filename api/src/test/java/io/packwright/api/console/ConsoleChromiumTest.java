package io.packwright.api.console;

import static io.packwright.api.support.ApiClient.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packwright.api.support.ApiResponse;
import io.packwright.api.support.Tokens;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real headless Chromium: htmx runs under the Content-Security-Policy, the
 * development sign-in, the partner's pack pages with a form's errors and a pack created from the
 * keyboard, another tenant's page. Screenshots of every page go to {@code target/screenshots}.
 */
class ConsoleChromiumTest extends ConsoleTestBase {

    private UUID partner;
    private UUID otherPack;
    private Chromium chromium;
    private WebDriverWait wait;

    @BeforeAll
    void partners() {
        partner = createPartner("Browser Partner", true, false);
        UUID other = createPartner("Browser Other Partner", true, false);
        otherPack = UUID.fromString(api.post(
                        "/api/v1/integration-packs",
                        Tokens.account(other),
                        obj("name", "Not for the browser partner", "installationType", "SINGLE"))
                .string("id"));
    }

    @BeforeEach
    void browser() {
        chromium = Chromium.start();
        wait = new WebDriverWait(chromium.driver, Duration.ofSeconds(10));
    }

    @AfterEach
    void closeBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }

    private String url(String path) {
        return server.getURI().resolve(path).toString();
    }

    private void signInAsThePartner() {
        chromium.driver.get(url("/console/sign-in"));
        chromium.screenshot("sign-in");
        chromium.driver
                .findElement(By.xpath("//button[normalize-space()='Browser Partner']"))
                .click();
        // htmx posted the form with the CSRF token and followed HX-Redirect: its script ran under the CSP
        wait.until(ExpectedConditions.urlToBe(url("/console/packs")));
    }

    @Test
    void aPartnerCreatesAPackAndSeesTheFormsErrorsFirst() {
        signInAsThePartner();
        assertEquals(
                "Integration Packs",
                chromium.driver.findElement(By.tagName("h1")).getText());
        assertTrue(
                chromium.driver.findElement(By.tagName("header")).getText().contains("Signed in as Browser Partner"));
        chromium.screenshot("packs");

        WebElement description = chromium.driver.findElement(By.id("pack-description"));
        description.sendKeys("Made by a browser");
        chromium.driver
                .findElement(By.xpath("//button[normalize-space()='Create pack']"))
                .click();
        WebElement nameError = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("pack-name-error")));
        assertFalse(nameError.getText().isBlank());
        assertEquals("true", chromium.driver.findElement(By.id("pack-name")).getAttribute("aria-invalid"));
        assertEquals(
                "Made by a browser",
                chromium.driver.findElement(By.id("pack-description")).getAttribute("value"),
                "the form keeps what was typed");
        chromium.screenshot("pack-form-errors");

        WebElement name = chromium.driver.findElement(By.id("pack-name"));
        name.sendKeys("Browser pack");
        name.sendKeys(Keys.ENTER);
        wait.until(ExpectedConditions.urlMatches(".*/console/packs/[0-9a-f-]{36}$"));
        assertEquals(
                "Browser pack", chromium.driver.findElement(By.tagName("h1")).getText());
        chromium.screenshot("pack");
        chromium.phone();
        chromium.screenshot("pack-phone");

        String id = chromium.driver
                .getCurrentUrl()
                .substring(chromium.driver.getCurrentUrl().lastIndexOf('/') + 1);
        ApiResponse pack = api.get("/api/v1/integration-packs/" + id, Tokens.account(partner));
        assertEquals(200, pack.status(), pack::toString);
        assertEquals("Made by a browser", pack.get("description"));
    }

    @Test
    void anotherTenantsPackIsNotFound() {
        signInAsThePartner();
        chromium.driver.get(url("/console/packs/" + otherPack));
        assertEquals("Not found", chromium.driver.findElement(By.tagName("h1")).getText());
        assertFalse(chromium.driver.getPageSource().contains("Not for the browser partner"));
        chromium.screenshot("other-tenant-pack");
    }

    @Test
    void aPartnerAddsAComponentThroughTheFilteredDialogAndRemovesIt() {
        UUID pack = fixtures.pack(partner, "Dialog pack", "SINGLE");
        fixtures.shareableProcess(partner, "Customer import");
        fixtures.shareableProcess(partner, "Ledger export");
        signInAsThePartner();
        chromium.driver.get(url("/console/packs/" + pack));
        chromium.driver
                .findElement(By.xpath("//summary[normalize-space()='Add components']"))
                .click();
        WebElement filter = chromium.driver.findElement(By.id("component-filter"));
        filter.sendKeys("ledger");
        wait.until(ExpectedConditions.invisibilityOfElementLocated(
                By.xpath("//div[@id='candidates']//label[contains(., 'Customer import')]")));
        WebElement ledger = wait.until(ExpectedConditions.elementToBeClickable(
                By.xpath("//div[@id='candidates']//label[contains(., 'Ledger export')]/input")));
        chromium.screenshot("add-components-dialog");
        ledger.click();
        chromium.driver
                .findElement(By.xpath("//button[normalize-space()='Add the checked components']"))
                .click();
        wait.until(ExpectedConditions.presenceOfElementLocated(
                By.xpath("//section[@aria-labelledby='publications-heading']//td[normalize-space()='Ledger export']")));
        chromium.screenshot("pack-with-publication");

        chromium.driver
                .findElement(By.xpath("//button[starts-with(normalize-space(), 'Remove')]"))
                .click();
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        wait.until(ExpectedConditions.presenceOfElementLocated(
                By.xpath("//p[normalize-space()='The pack holds no component yet.']")));
        chromium.screenshot("pack-after-remove");
    }

    @Test
    void aPartnerSchedulesAReleaseAndSeesItsWindow() {
        UUID pack = fixtures.pack(partner, "Scheduled in the browser", "SINGLE");
        fixtures.add(partner, pack, fixtures.shareableProcess(partner, "Nightly sync"));
        signInAsThePartner();
        chromium.driver.get(url("/console/packs/" + pack));
        chromium.driver
                .findElement(By.xpath("//summary[normalize-space()='Release integration pack']"))
                .click();
        chromium.driver
                .findElement(By.cssSelector("input[value='RELEASE_ON_SPECIFIED_DATE']"))
                .click();
        java.time.LocalDate date =
                java.time.LocalDate.now(java.time.ZoneId.of("Europe/Berlin")).plusDays(2);
        // a date input takes typing in the browser's locale; its value is ISO whatever the locale
        chromium.driver.executeScript(
                "arguments[0].value = arguments[1]",
                chromium.driver.findElement(By.id("release-date")),
                date.toString());
        chromium.driver
                .findElement(By.xpath("//button[normalize-space()='Preview']"))
                .click();
        WebElement preview = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("div.preview")));
        assertTrue(preview.getText().contains(date + " 00:00"), preview::getText);
        assertTrue(preview.getText().contains("UTC"), preview::getText);
        assertTrue(preview.getText().contains("Nightly sync"), preview::getText);
        chromium.driver.executeScript("arguments[0].scrollIntoView()", preview);
        chromium.screenshot("release-dialog-preview");

        chromium.driver
                .findElement(By.xpath("//form[@id='release-form']//button[normalize-space()='Release']"))
                .click();
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        wait.ignoring(org.openqa.selenium.WebDriverException.class)
                .until(driver ->
                        driver.findElement(By.cssSelector("dl.facts")).getText().contains(date + " 00:00"));
        chromium.screenshot("pack-with-pending-release");
        ApiResponse releases = api.get("/api/v1/integration-packs/" + pack + "/releases", Tokens.account(partner));
        assertEquals("SCHEDULED", releases.items().get(0).get("status"), releases::toString);
    }
}
