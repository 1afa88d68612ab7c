-- The nightly reconciliation's bookkeeping (workflows/projections.ts, reconciliation statements).

-- What a run saw of DynamoDB, per item: its bucket (first byte of md5 of the key), a digest of
-- its projected row (computed from the image exactly as a row's digest is computed from its
-- columns), and whether it changed after the run's watermark (then its bucket is not judged).
-- Kept per run until the run ends; pages are staged idempotently (a retried page overwrites).
CREATE UNLOGGED TABLE reconciliation_items (
  run_id text NOT NULL,
  table_name text NOT NULL,
  key text NOT NULL,
  bucket int NOT NULL,
  digest bigint NOT NULL,
  in_flight boolean NOT NULL,
  -- The item's key in DynamoDB's typed JSON, for GetItem when the row must be repaired.
  item_key jsonb NOT NULL,
  PRIMARY KEY (run_id, table_name, key)
);

-- The audit trail: one row per run and projected table.
CREATE TABLE reconciliation_runs (
  run_id text NOT NULL,
  table_name text NOT NULL,
  started_at timestamptz NOT NULL,
  finished_at timestamptz,
  watermark timestamptz NOT NULL,
  items_scanned bigint NOT NULL DEFAULT 0,
  buckets_compared int NOT NULL DEFAULT 0,
  buckets_in_flight int NOT NULL DEFAULT 0,
  buckets_mismatched int NOT NULL DEFAULT 0,
  keys_repaired int NOT NULL DEFAULT 0,
  orphans_tombstoned int NOT NULL DEFAULT 0,
  outcome text NOT NULL DEFAULT 'RUNNING' CHECK (outcome IN ('RUNNING', 'CLEAN', 'REPAIRED', 'FAILED')),
  error text,
  PRIMARY KEY (run_id, table_name)
);

-- Up to when each projected table was last proven equal to DynamoDB (a clean run's watermark).
CREATE TABLE sync_checkpoint (
  table_name text PRIMARY KEY,
  last_reconciled_at timestamptz NOT NULL
);

-- A projected row as DynamoDB's typed JSON (the inverse of ddb_json): what a tombstone of an
-- item that no longer exists carries as its old image, so the row keeps its last values.
CREATE FUNCTION ddb_typed(v jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $body$
BEGIN
  RETURN CASE jsonb_typeof(v)
    WHEN 'string' THEN jsonb_build_object('S', v)
    WHEN 'number' THEN jsonb_build_object('N', v #>> '{}')
    WHEN 'boolean' THEN jsonb_build_object('BOOL', v)
    WHEN 'null' THEN '{"NULL": true}'::jsonb
    WHEN 'object' THEN jsonb_build_object('M', coalesce((SELECT jsonb_object_agg(key, ddb_typed(value)) FROM jsonb_each(v)), '{}'::jsonb))
    WHEN 'array' THEN jsonb_build_object('L', coalesce((SELECT jsonb_agg(ddb_typed(e) ORDER BY i) FROM jsonb_array_elements(v) WITH ORDINALITY AS x(e, i)), '[]'::jsonb))
  END; END
$body$;
