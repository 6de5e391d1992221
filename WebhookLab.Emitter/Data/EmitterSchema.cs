namespace WebhookLab.Emitter.Data;

// The emitter's tables. Times are unix milliseconds; a delivery's status is a DeliveryStatus integer.
public static class EmitterSchema
{
    public const string Sql = """
        CREATE TABLE IF NOT EXISTS subscriptions (
            id TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            event_types TEXT NOT NULL,
            secret TEXT NOT NULL,
            description TEXT,
            enabled INTEGER NOT NULL DEFAULT 1,
            disabled_reason TEXT,
            -- During a rotation the old secret still signs, beside the new one, until it expires.
            previous_secret TEXT,
            previous_secret_expires_at INTEGER,
            -- Failures since the last success, for disabling an endpoint that has been failing for days.
            first_failure_at INTEGER,
            failures_since_success INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );

        CREATE TABLE IF NOT EXISTS events (
            id TEXT PRIMARY KEY,
            type TEXT NOT NULL,
            body BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            idempotency_key TEXT UNIQUE,
            delivery_count INTEGER NOT NULL,
            trace_parent TEXT
        );

        CREATE TABLE IF NOT EXISTS deliveries (
            id TEXT PRIMARY KEY,
            event_id TEXT NOT NULL REFERENCES events(id),
            subscription_id TEXT NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
            status INTEGER NOT NULL,
            attempt_count INTEGER NOT NULL DEFAULT 0,
            -- attempt_count when the delivery was last re-queued by an operator: the retry schedule counts from here.
            retry_base INTEGER NOT NULL DEFAULT 0,
            -- Due time; for a paused delivery (its subscription disabled) the far future.
            next_attempt_at INTEGER NOT NULL,
            lease_owner TEXT,
            last_status_code INTEGER,
            created_at INTEGER NOT NULL,
            completed_at INTEGER
        );

        -- The dispatcher's queue: only claimable rows are indexed, so the index stays as small as the backlog.
        CREATE INDEX IF NOT EXISTS ix_deliveries_due ON deliveries(next_attempt_at) WHERE status IN (0, 1);
        CREATE INDEX IF NOT EXISTS ix_deliveries_event ON deliveries(event_id);
        CREATE INDEX IF NOT EXISTS ix_deliveries_subscription ON deliveries(subscription_id, status);

        CREATE TABLE IF NOT EXISTS delivery_attempts (
            id INTEGER PRIMARY KEY,
            delivery_id TEXT NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
            attempt_number INTEGER NOT NULL,
            attempted_at INTEGER NOT NULL,
            status_code INTEGER,
            duration_ms REAL NOT NULL,
            outcome TEXT NOT NULL,
            error TEXT,
            response_excerpt TEXT,
            -- The trace the attempt ran in: the receiver continues it from the traceparent header.
            trace_id TEXT
        );

        CREATE INDEX IF NOT EXISTS ix_attempts_delivery ON delivery_attempts(delivery_id);

        CREATE TABLE IF NOT EXISTS orders (
            id TEXT PRIMARY KEY,
            customer TEXT NOT NULL,
            amount TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            event_id TEXT NOT NULL REFERENCES events(id)
        );
        """;
}
