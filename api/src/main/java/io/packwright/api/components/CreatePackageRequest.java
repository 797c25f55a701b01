package io.packwright.api.components;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.packwright.api.validation.TextRules;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * Packages the current state of a component as an immutable, versioned package.
 *
 * @param packageVersion 1 to 255 characters, unique per component
 * @param shareable whether the package may go into integration packs; a pack's next release takes the
 *     newest shareable package of each member
 * @param notes at most 10000 characters
 * @param extensions the settings that each installed instance can give its own value: at most 100
 *     (the limit per packaged component; more is a 400 naming it), with keys unique within the
 *     package; none when absent
 */
@Serdeable
public record CreatePackageRequest(
        @NotNull @Size(min = 1, max = 255) @Pattern(regexp = TextRules.NAME, message = TextRules.NAME_MESSAGE)
        String packageVersion,

        @NotNull Boolean shareable,

        @Nullable @Size(max = 10000) @Pattern(regexp = TextRules.TEXT, message = TextRules.TEXT_MESSAGE)
        String notes,

        @Nullable
        @Size(
                max = MAX_EXTENSIONS,
                message = "must hold at most " + MAX_EXTENSIONS + " extensions, the limit per packaged component")
        List<@NotNull @Valid ExtensionDefinition> extensions) {

    /** The most extensions a packaged component declares. */
    public static final int MAX_EXTENSIONS = 100;
}
