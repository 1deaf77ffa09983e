-- The audit trail, when the servers run with --audit postgres: one row per token operation (exchange,
-- refresh, introspect, revoke) and per admin change, from every silo. It never holds a token or a secret:
-- token_hash is a short hash of the presented token, actor a short hash of an admin key or an admin
-- token's subject. Rows are only appended; removing old ones is the operator's (DELETE by occurred_at).
CREATE TABLE tx_audit_events (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at     timestamptz NOT NULL,
    operation       text NOT NULL,
    outcome         text NOT NULL CHECK (outcome IN ('ok', 'refused')),
    client_id       text,
    handler         text,
    error_code      text,
    reason          text,
    user_id         text,
    token_hash      text,
    client_address  text,
    silo            text,
    actor           text,
    detail          text,
    elapsed_ms      double precision NOT NULL
);

-- txctl audit reads newest first over a time range, often for one app.
CREATE INDEX tx_audit_events_time ON tx_audit_events (occurred_at DESC);
CREATE INDEX tx_audit_events_app_time ON tx_audit_events (client_id, occurred_at DESC);
