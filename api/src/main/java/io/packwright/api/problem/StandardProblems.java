package io.packwright.api.problem;

import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The problem answers that every operation of the API may give, documented once for every
 * operation of a controller: a missing, malformed or expired token ({@code 401}), an exhausted
 * request budget ({@code 429}) and a database that is briefly unavailable ({@code 503}). Operations
 * document their own {@code 400}, {@code 403}, {@code 404}, {@code 409} and {@code 422} answers.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ApiResponse(
        responseCode = "401",
        description = "The Authorization header is missing, or its token is malformed, badly signed or expired",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@ApiResponse(
        responseCode = "429",
        description = "The caller's request budget is exhausted; retry after the seconds in Retry-After",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@ApiResponse(
        responseCode = "503",
        description = "The database is briefly unavailable or a statement took too long; retry after the seconds in"
                + " Retry-After",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public @interface StandardProblems {}
