package io.packwright.api;

import io.micronaut.runtime.Micronaut;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.info.License;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import io.swagger.v3.oas.annotations.servers.Server;

/** The public HTTP API process. */
@OpenAPIDefinition(
        info =
                @Info(
                        title = "Packwright",
                        version = "v1",
                        description =
                                "Integration pack release orchestrator: partners publish integration packs to their"
                                        + " managed accounts and release new versions immediately or on a scheduled date."
                                        + " Every caller has a request budget (and a smaller one for writes): beyond it"
                                        + " any operation answers 429 with Retry-After (seconds). An operation that the"
                                        + " database is too slow or busy for answers 503 with Retry-After, its"
                                        + " transaction rolled back. Both may be retried."
                                        + "\n\nLists return `{\"items\": [...], \"nextPageToken\"}` with `limit`"
                                        + " (1..500, default 50) and `pageToken`. A page holds at most `limit` items"
                                        + " and about 1 MB of them: a page can hold fewer than `limit` items while"
                                        + " `nextPageToken` is not null, so read on until it is null. No response"
                                        + " body grows beyond about 1 MB: lists embedded in a resource are capped"
                                        + " (an account group lists its first 100 members and packs, with counts)"
                                        + " and paged sub-resources give them in full.",
                        license = @License(name = "Apache-2.0", url = "https://www.apache.org/licenses/LICENSE-2.0")),
        servers = @Server(url = "/", description = "The server that serves this document"),
        security = @SecurityRequirement(name = "bearer"))
@SecurityScheme(name = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT")
public final class ApiApplication {

    private ApiApplication() {}

    public static void main(String[] args) {
        Micronaut.build(args).mainClass(ApiApplication.class).start();
    }
}
