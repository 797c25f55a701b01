package io.packwright.api.console;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Hidden;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;

/**
 * The console's scripts and styles, from the api's jar: htmx from its webjar (the version the build
 * pinned, read from the webjar itself) and the console's stylesheet. Read once, cached by browsers
 * for a day.
 */
@Hidden
@Controller(ConsolePaths.ROOT + "/assets")
@Secured(SecurityRule.IS_ANONYMOUS)
@ExecuteOn(TaskExecutors.BLOCKING)
class ConsoleAssetsController {

    private static final String HTMX_WEBJAR = "META-INF/maven/org.webjars.npm/htmx.org/pom.properties";

    private final Map<String, Asset> assets;

    private record Asset(byte[] bytes, MediaType type) {}

    ConsoleAssetsController() {
        ClassLoader loader = ConsoleAssetsController.class.getClassLoader();
        Properties webjar = new Properties();
        try (InputStream in = loader.getResourceAsStream(HTMX_WEBJAR)) {
            if (in == null) {
                throw new IllegalStateException("the htmx webjar is not on the classpath (" + HTMX_WEBJAR + ")");
            }
            webjar.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String htmx = "META-INF/resources/webjars/htmx.org/" + webjar.getProperty("version") + "/dist/htmx.min.js";
        MediaType javascript = MediaType.of("text/javascript");
        this.assets = Map.of(
                "htmx.min.js", new Asset(read(loader, htmx), javascript),
                "console.css", new Asset(read(loader, "console/assets/console.css"), MediaType.of("text/css")));
    }

    private static byte[] read(ClassLoader loader, String resource) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the console asset " + resource + " is not on the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Get("/{name}")
    HttpResponse<byte[]> asset(@PathVariable String name) {
        Asset asset = assets.get(name);
        if (asset == null) {
            return HttpResponse.notFound();
        }
        return HttpResponse.ok(asset.bytes())
                .contentType(asset.type())
                .header("Cache-Control", "public, max-age=86400")
                .header("X-Content-Type-Options", "nosniff");
    }
}
