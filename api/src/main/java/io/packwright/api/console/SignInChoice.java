package io.packwright.api.console;

/**
 * One account the development sign-in offers.
 *
 * @param subject {@code admin} or the account id
 * @param name what the page shows
 * @param kind operator, partner or whose managed account
 */
public record SignInChoice(String subject, String name, String kind) {}
