namespace WebhookLab.Receiver.Data;

public static class ReceiverSchema
{
    // Times are Unix milliseconds (UTC); webhook_timestamp is the signed webhook-timestamp header, in Unix seconds.
    // The orders amount is TEXT so a decimal keeps every digit (a REAL column would round it).
    public const string Sql = """
        CREATE TABLE IF NOT EXISTS inbox (
            id                INTEGER PRIMARY KEY,
            webhook_id        TEXT    NOT NULL UNIQUE,
            type              TEXT    NOT NULL,
            payload           TEXT,
            received_at       INTEGER NOT NULL,
            webhook_timestamp INTEGER NOT NULL,
            traceparent       TEXT,
            receive_count     INTEGER NOT NULL DEFAULT 1,
            processed_at      INTEGER
        ) STRICT;

        CREATE INDEX IF NOT EXISTS inbox_unprocessed ON inbox (id) WHERE processed_at IS NULL;

        CREATE TABLE IF NOT EXISTS orders (
            order_id   TEXT    PRIMARY KEY,
            customer   TEXT,
            amount     TEXT    NOT NULL,
            webhook_id TEXT    NOT NULL,
            created_at INTEGER NOT NULL
        ) STRICT;

        CREATE INDEX IF NOT EXISTS orders_created_at ON orders (created_at);
        """;
}
