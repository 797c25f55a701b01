package io.packwright.api.support;

import org.junit.jupiter.api.BeforeAll;

/** An {@link ApiTestBase} with {@link CatalogFixtures} at hand. */
public abstract class CatalogApiTestBase extends ApiTestBase {

    protected CatalogFixtures fixtures;

    @BeforeAll
    void catalogFixtures() {
        fixtures = new CatalogFixtures(api, database);
    }
}
