-- The whole domain of the HTTP contract. PostgreSQL is the source of truth: every rule that the
-- database can hold (uniqueness, references, one pending release per pack) is a constraint here,
-- not only a check in code. Ids are application-generated UUIDv7, so they sort by creation time.
-- Enumerations are text with CHECK constraints: readable in psql, cheap to extend by migration.

CREATE TABLE accounts (
    id                          uuid PRIMARY KEY,
    name                        text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 255),
    type                        text        NOT NULL CHECK (type IN ('PARTNER', 'MANAGED')),
    parent_account_id           uuid REFERENCES accounts (id),
    time_zone                   text,
    integration_pack_management boolean     NOT NULL DEFAULT false,
    multi_install_packs         boolean     NOT NULL DEFAULT false,
    created_at                  timestamptz NOT NULL,
    updated_at                  timestamptz NOT NULL,
    CONSTRAINT accounts_partner_has_no_parent CHECK (
        (type = 'PARTNER' AND parent_account_id IS NULL AND time_zone IS NOT NULL)
        OR (type = 'MANAGED' AND parent_account_id IS NOT NULL)),
    CONSTRAINT accounts_multi_install_needs_pack_management CHECK (
        NOT multi_install_packs OR integration_pack_management),
    CONSTRAINT accounts_managed_have_no_features CHECK (
        type = 'PARTNER' OR NOT (integration_pack_management OR multi_install_packs))
);
CREATE INDEX accounts_parent_idx ON accounts (parent_account_id, id);
CREATE INDEX accounts_partners_idx ON accounts (id) WHERE type = 'PARTNER';

-- Account groups: a partner shares packs (resources) with its managed accounts (members).
CREATE TABLE account_groups (
    id                 uuid PRIMARY KEY,
    partner_account_id uuid        NOT NULL REFERENCES accounts (id),
    name               text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 255),
    created_at         timestamptz NOT NULL,
    CONSTRAINT account_groups_name_unique UNIQUE (partner_account_id, name)
);

CREATE TABLE account_group_members (
    account_group_id uuid        NOT NULL REFERENCES account_groups (id) ON DELETE CASCADE,
    account_id       uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    added_at         timestamptz NOT NULL,
    PRIMARY KEY (account_group_id, account_id)
);
CREATE INDEX account_group_members_account_idx ON account_group_members (account_id);

-- Components and their immutable packaged versions.
CREATE TABLE components (
    id                     uuid PRIMARY KEY,
    partner_account_id     uuid        NOT NULL REFERENCES accounts (id),
    name                   text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 255),
    type                   text        NOT NULL CHECK (type IN (
        'PROCESS', 'API_SERVICE', 'PROCESS_ROUTE', 'CERTIFICATE', 'CUSTOM_LIBRARY', 'CONNECTION')),
    contains_process_route boolean     NOT NULL DEFAULT false,
    created_at             timestamptz NOT NULL
);
CREATE INDEX components_partner_idx ON components (partner_account_id, id);

CREATE TABLE packaged_components (
    id              uuid PRIMARY KEY,
    component_id    uuid        NOT NULL REFERENCES components (id),
    package_version text        NOT NULL CHECK (char_length(package_version) BETWEEN 1 AND 255),
    shareable       boolean     NOT NULL,
    notes           text,
    created_at      timestamptz NOT NULL,
    CONSTRAINT packaged_components_version_unique UNIQUE (component_id, package_version)
);
-- "the newest shareable package of a component" is one index probe
CREATE INDEX packaged_components_newest_shareable_idx
    ON packaged_components (component_id, id DESC) WHERE shareable;

CREATE TABLE package_extensions (
    packaged_component_id uuid    NOT NULL REFERENCES packaged_components (id),
    key                   text    NOT NULL CHECK (char_length(key) BETWEEN 1 AND 255),
    kind                  text    NOT NULL CHECK (kind IN (
        'CONNECTION_FIELD', 'PROCESS_PROPERTY', 'CROSS_REFERENCE', 'TRADING_PARTNER')),
    required              boolean NOT NULL,
    secret                boolean NOT NULL,
    default_value         text,
    PRIMARY KEY (packaged_component_id, key)
);

-- Integration packs. A deleted pack keeps its row (deleted_at) until its clean-up has finished,
-- so that the deletion is atomic for clients and resumable after a crash; it is invisible at once.
CREATE TABLE integration_packs (
    id                  uuid PRIMARY KEY,
    partner_account_id  uuid        NOT NULL REFERENCES accounts (id),
    name                text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 255),
    description         text        NOT NULL DEFAULT '' CHECK (char_length(description) <= 500),
    installation_type   text        NOT NULL CHECK (installation_type IN ('SINGLE', 'MULTI')),
    current_release_id  uuid,
    last_release_number integer     NOT NULL DEFAULT 0 CHECK (last_release_number >= 0),
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    deleted_at          timestamptz
);
CREATE UNIQUE INDEX integration_packs_name_unique
    ON integration_packs (partner_account_id, name) WHERE deleted_at IS NULL;
CREATE INDEX integration_packs_partner_idx ON integration_packs (partner_account_id, id) WHERE deleted_at IS NULL;
CREATE INDEX integration_packs_deleting_idx ON integration_packs (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE integration_pack_members (
    integration_pack_id uuid        NOT NULL REFERENCES integration_packs (id) ON DELETE CASCADE,
    component_id        uuid        NOT NULL REFERENCES components (id),
    added_at            timestamptz NOT NULL,
    PRIMARY KEY (integration_pack_id, component_id)
);
CREATE INDEX integration_pack_members_component_idx ON integration_pack_members (component_id);

CREATE TABLE account_group_packs (
    account_group_id    uuid        NOT NULL REFERENCES account_groups (id) ON DELETE CASCADE,
    integration_pack_id uuid        NOT NULL REFERENCES integration_packs (id) ON DELETE CASCADE,
    added_at            timestamptz NOT NULL,
    PRIMARY KEY (account_group_id, integration_pack_id)
);
CREATE INDEX account_group_packs_pack_idx ON account_group_packs (integration_pack_id);

-- Releases. The row is written before its workflow starts; workflow_id is fixed and readable.
CREATE TABLE releases (
    id                    uuid PRIMARY KEY,
    integration_pack_id   uuid        NOT NULL REFERENCES integration_packs (id) ON DELETE CASCADE,
    partner_account_id    uuid        NOT NULL REFERENCES accounts (id),
    release_number        integer     NOT NULL CHECK (release_number > 0),
    release_schedule      text        NOT NULL CHECK (release_schedule IN ('IMMEDIATELY', 'RELEASE_ON_SPECIFIED_DATE')),
    release_on_date       date,
    window_start          timestamptz,
    window_end            timestamptz,
    status                text        NOT NULL CHECK (status IN (
        'SCHEDULED', 'IN_PROGRESS', 'RELEASED', 'SUPERSEDED', 'CANCELLED')),
    release_notes         text CHECK (char_length(release_notes) <= 10000),
    workflow_id           text        NOT NULL UNIQUE,
    superseded_by_id      uuid REFERENCES releases (id),
    instances_total       bigint      NOT NULL DEFAULT 0 CHECK (instances_total >= 0),
    applied_manually      bigint      NOT NULL DEFAULT 0 CHECK (applied_manually >= 0),
    applied_automatically bigint      NOT NULL DEFAULT 0 CHECK (applied_automatically >= 0),
    failed                bigint      NOT NULL DEFAULT 0 CHECK (failed >= 0),
    created_at            timestamptz NOT NULL,
    started_at            timestamptz,
    completed_at          timestamptz,
    CONSTRAINT releases_number_unique UNIQUE (integration_pack_id, release_number),
    CONSTRAINT releases_schedule_shape CHECK (
        (release_schedule = 'IMMEDIATELY' AND release_on_date IS NULL AND window_start IS NULL AND window_end IS NULL)
        OR (release_schedule = 'RELEASE_ON_SPECIFIED_DATE' AND release_on_date IS NOT NULL
            AND window_start IS NOT NULL AND window_end > window_start))
);
-- One pending (scheduled) release per pack, race-free.
CREATE UNIQUE INDEX releases_one_scheduled_per_pack ON releases (integration_pack_id) WHERE status = 'SCHEDULED';
-- The reconciler's scan: every release that is not terminal yet.
CREATE INDEX releases_open_idx ON releases (id) WHERE status IN ('SCHEDULED', 'IN_PROGRESS');
CREATE INDEX releases_pack_idx ON releases (integration_pack_id, release_number DESC);

ALTER TABLE integration_packs
    ADD CONSTRAINT integration_packs_current_release_fk
        FOREIGN KEY (current_release_id) REFERENCES releases (id) DEFERRABLE INITIALLY DEFERRED;

-- The content of a release, frozen at its creation.
CREATE TABLE release_components (
    release_id            uuid NOT NULL REFERENCES releases (id) ON DELETE CASCADE,
    component_id          uuid NOT NULL REFERENCES components (id),
    component_name        text NOT NULL,
    component_type        text NOT NULL,
    packaged_component_id uuid NOT NULL REFERENCES packaged_components (id),
    package_version       text NOT NULL,
    PRIMARY KEY (release_id, component_id)
);

-- Managed accounts' environments.
CREATE TABLE environments (
    id             uuid PRIMARY KEY,
    account_id     uuid        NOT NULL REFERENCES accounts (id),
    name           text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 255),
    classification text        NOT NULL CHECK (classification IN ('PROD', 'TEST')),
    created_at     timestamptz NOT NULL,
    CONSTRAINT environments_name_unique UNIQUE (account_id, name)
);

-- Installed instances of a pack. SINGLE instances have no override name, MULTI instances must have one.
CREATE TABLE integration_pack_instances (
    id                     uuid PRIMARY KEY,
    account_id             uuid        NOT NULL REFERENCES accounts (id),
    integration_pack_id    uuid        NOT NULL REFERENCES integration_packs (id) ON DELETE CASCADE,
    override_name          text CHECK (char_length(override_name) BETWEEN 1 AND 255),
    installed_release_id   uuid        NOT NULL REFERENCES releases (id),
    created_at             timestamptz NOT NULL,
    updated_at             timestamptz NOT NULL
);
-- one SINGLE instance per account and pack
CREATE UNIQUE INDEX integration_pack_instances_single_unique
    ON integration_pack_instances (account_id, integration_pack_id) WHERE override_name IS NULL;
-- MULTI override names are unique per account and pack
CREATE UNIQUE INDEX integration_pack_instances_override_unique
    ON integration_pack_instances (account_id, integration_pack_id, override_name) WHERE override_name IS NOT NULL;
-- the release fan-out walks a pack's instances in id order (keyset pagination)
CREATE INDEX integration_pack_instances_pack_idx ON integration_pack_instances (integration_pack_id, id);
CREATE INDEX integration_pack_instances_account_idx ON integration_pack_instances (account_id, id);

-- Extension values of an instance. Secret values are only stored encrypted.
CREATE TABLE instance_extension_values (
    integration_pack_instance_id uuid  NOT NULL REFERENCES integration_pack_instances (id) ON DELETE CASCADE,
    key                          text  NOT NULL CHECK (char_length(key) BETWEEN 1 AND 255),
    value                        text,
    encrypted_value              bytea,
    PRIMARY KEY (integration_pack_instance_id, key),
    CONSTRAINT instance_extension_values_one_form CHECK ((value IS NULL) <> (encrypted_value IS NULL))
);

CREATE TABLE environment_attachments (
    id                           uuid PRIMARY KEY,
    environment_id               uuid        NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    integration_pack_instance_id uuid        NOT NULL REFERENCES integration_pack_instances (id) ON DELETE CASCADE,
    created_at                   timestamptz NOT NULL,
    CONSTRAINT environment_attachments_unique UNIQUE (environment_id, integration_pack_instance_id)
);
CREATE INDEX environment_attachments_instance_idx ON environment_attachments (integration_pack_instance_id);

-- The per-instance release ledger: at most one outcome per release and instance, so a rerun of
-- any batch (or a manual apply racing the window) can never apply a release to an instance twice.
-- Instances without a row are PENDING for that release.
CREATE TABLE release_instances (
    release_id                   uuid        NOT NULL REFERENCES releases (id) ON DELETE CASCADE,
    integration_pack_instance_id uuid        NOT NULL REFERENCES integration_pack_instances (id) ON DELETE CASCADE,
    account_id                   uuid        NOT NULL REFERENCES accounts (id),
    status                       text        NOT NULL CHECK (status IN ('APPLIED', 'FAILED')),
    mode                         text CHECK (mode IN ('MANUAL', 'AUTOMATIC', 'IMMEDIATE')),
    applied_at                   timestamptz,
    failure_reason               text,
    recorded_at                  timestamptz NOT NULL,
    PRIMARY KEY (release_id, integration_pack_instance_id),
    CONSTRAINT release_instances_outcome_shape CHECK (
        (status = 'APPLIED' AND mode IS NOT NULL AND applied_at IS NOT NULL AND failure_reason IS NULL)
        OR (status = 'FAILED' AND failure_reason IS NOT NULL))
);
CREATE INDEX release_instances_instance_idx ON release_instances (integration_pack_instance_id);

-- Durable manual-apply requests: written before the release workflow is signalled, so that a
-- lost signal costs latency, never correctness. Removed once the ledger has the outcome.
CREATE TABLE release_apply_requests (
    release_id                   uuid        NOT NULL REFERENCES releases (id) ON DELETE CASCADE,
    integration_pack_instance_id uuid        NOT NULL REFERENCES integration_pack_instances (id) ON DELETE CASCADE,
    requested_at                 timestamptz NOT NULL,
    PRIMARY KEY (release_id, integration_pack_instance_id)
);

-- Idempotency-Key records of creating POSTs: the first response is replayed to a retry.
CREATE TABLE idempotency_keys (
    principal           text        NOT NULL,
    idempotency_key     text        NOT NULL CHECK (char_length(idempotency_key) BETWEEN 1 AND 255),
    request_fingerprint text        NOT NULL,
    response_status     integer     NOT NULL,
    response_location   text,
    response_body       text        NOT NULL,
    created_at          timestamptz NOT NULL,
    PRIMARY KEY (principal, idempotency_key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
