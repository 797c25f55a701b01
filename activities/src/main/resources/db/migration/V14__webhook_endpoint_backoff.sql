-- Webhooks: an endpoint whose last attempt failed waits as a whole. `retry_at` is the next attempt
-- of the delivery that failed: until then none of the endpoint's deliveries is sent, and at that
-- instant they go again in sequence order, the failed one first. A dead or hanging endpoint thus
-- costs one attempt per retry interval, not one per pending delivery (each of which can take the
-- whole request timeout), so it holds a worker's activity slot only briefly and never delays the
-- deliveries to other endpoints; and a delivery never overtakes an earlier one that is failing.
-- A success, a redelivery on request and enabling the endpoint clear it.
ALTER TABLE webhook_endpoints ADD COLUMN retry_at timestamptz;
