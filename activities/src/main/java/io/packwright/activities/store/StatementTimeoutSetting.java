package io.packwright.activities.store;

import io.micronaut.configuration.jdbc.hikari.DatasourceConfiguration;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import jakarta.inject.Singleton;

/**
 * Puts {@link DatabaseProperties#statementTimeout()} into the startup parameters ({@code options})
 * of every connection of the datasources, before their pools open. A startup parameter, unlike an
 * init statement, costs no round trip and also reaches connections opened with the same settings
 * outside the pool. Options configured in {@code datasources.*.data-source-properties.options} are
 * kept.
 */
@Singleton
class StatementTimeoutSetting implements BeanCreatedEventListener<DatasourceConfiguration> {

    private static final String OPTIONS = "options";

    private final DatabaseProperties properties;

    StatementTimeoutSetting(DatabaseProperties properties) {
        this.properties = properties;
    }

    @Override
    public DatasourceConfiguration onCreated(BeanCreatedEvent<DatasourceConfiguration> event) {
        DatasourceConfiguration datasource = event.getBean();
        String timeout = "-c statement_timeout=" + properties.statementTimeout().toMillis();
        String configured = datasource.getDataSourceProperties().getProperty(OPTIONS);
        datasource.addDataSourceProperty(OPTIONS, configured == null ? timeout : configured + " " + timeout);
        return datasource;
    }
}
