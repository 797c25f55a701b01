-- Webhooks: partners (for their whole tenant) and managed accounts (for themselves) subscribe
-- endpoints to events; every event is written to an outbox in the transaction of the change it
-- describes, and delivered at least once to every endpoint subscribed to it.

-- A subscriber's endpoint. Its secrets are stored only encrypted (SecretCipher, as extension
-- secrets): `secret` signs every delivery; after a rotation `previous_secret` signs beside it until
-- `previous_secret_expires_at`. `next_sequence` numbers the endpoint's deliveries in dispatch order
-- (the `sequence` of their payloads). `failing_since` is the first failed attempt of an unbroken run
-- of failures; an endpoint failing for long enough is disabled with a reason.
CREATE TABLE webhook_endpoints (
    id                         uuid PRIMARY KEY,
    account_id                 uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    url                        text        NOT NULL CHECK (char_length(url) BETWEEN 1 AND 2000),
    description                text CHECK (char_length(description) <= 500),
    event_types                text[]      NOT NULL CHECK (cardinality(event_types) BETWEEN 1 AND 50),
    enabled                    boolean     NOT NULL DEFAULT true,
    disabled_reason            text CHECK (char_length(disabled_reason) <= 1000),
    secret                     bytea       NOT NULL,
    previous_secret            bytea,
    previous_secret_expires_at timestamptz,
    failing_since              timestamptz,
    next_sequence              bigint      NOT NULL DEFAULT 1 CHECK (next_sequence > 0),
    created_at                 timestamptz NOT NULL,
    updated_at                 timestamptz NOT NULL,
    CONSTRAINT webhook_endpoints_previous_secret_shape CHECK (
        (previous_secret IS NULL) = (previous_secret_expires_at IS NULL))
);
CREATE INDEX webhook_endpoints_account_idx ON webhook_endpoints (account_id, id);

-- The outbox. An event concerns a partner's tenant (`partner_account_id`) and, when it is about one
-- managed account's things (its instance, its runtime's report, its execution), that account
-- (`managed_account_id`). `data` is the `data` of the delivered body. Events wait with `dispatched`
-- false until the dispatcher has made a delivery of each for every endpoint subscribed to it; `seq`
-- orders them for the dispatcher (a commit may become visible after a later `seq`: the dispatcher
-- takes every undispatched event, never "after the last one it saw").
CREATE TABLE webhook_events (
    id                 uuid PRIMARY KEY,
    seq                bigserial   NOT NULL UNIQUE,
    partner_account_id uuid        NOT NULL,
    managed_account_id uuid,
    type               text        NOT NULL CHECK (char_length(type) BETWEEN 1 AND 100),
    data               jsonb       NOT NULL CHECK (jsonb_typeof(data) = 'object'),
    created_at         timestamptz NOT NULL,
    dispatched         boolean     NOT NULL DEFAULT false
);
CREATE INDEX webhook_events_undispatched_idx ON webhook_events (seq) WHERE NOT dispatched;
CREATE INDEX webhook_events_created_idx ON webhook_events (created_at);

-- One event for one endpoint. PENDING until an attempt gets a 2xx (SUCCEEDED) or the retries are
-- exhausted (FAILED). `data` is the event's data as this endpoint receives it (a managed account's
-- endpoint gets only its own instances of a batch).
CREATE TABLE webhook_deliveries (
    id              uuid PRIMARY KEY,
    endpoint_id     uuid        NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_id        uuid        NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
    sequence        bigint      NOT NULL CHECK (sequence > 0),
    data            jsonb       NOT NULL CHECK (jsonb_typeof(data) = 'object'),
    status          text        NOT NULL CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED')),
    attempts        integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz,
    created_at      timestamptz NOT NULL,
    finished_at     timestamptz,
    CONSTRAINT webhook_deliveries_once UNIQUE (endpoint_id, event_id),
    CONSTRAINT webhook_deliveries_sequence_unique UNIQUE (endpoint_id, sequence),
    CONSTRAINT webhook_deliveries_shape CHECK (
        (status = 'PENDING' AND next_attempt_at IS NOT NULL AND finished_at IS NULL)
        OR (status <> 'PENDING' AND next_attempt_at IS NULL AND finished_at IS NOT NULL))
);
-- what an endpoint's workflow sends next: its due deliveries in sequence order
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (endpoint_id, next_attempt_at, sequence)
    WHERE status = 'PENDING';
-- an endpoint's delivery log, newest first, filtered by status
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, status, sequence DESC);
CREATE INDEX webhook_deliveries_endpoint_all_idx ON webhook_deliveries (endpoint_id, sequence DESC);

-- Every attempt of a delivery: the status code (none when no response came), the latency, the
-- start of the response body (at most 1,000 characters) or why no response came.
CREATE TABLE webhook_attempts (
    id           uuid PRIMARY KEY,
    delivery_id  uuid        NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt      integer     NOT NULL CHECK (attempt > 0),
    attempted_at timestamptz NOT NULL,
    status_code  integer CHECK (status_code BETWEEN 100 AND 599),
    latency_ms   integer     NOT NULL CHECK (latency_ms >= 0),
    response     text CHECK (char_length(response) <= 1000),
    error        text CHECK (char_length(error) <= 1000),
    CONSTRAINT webhook_attempts_once UNIQUE (delivery_id, attempt)
);
