-- The projection of the metadata tables (workflows/projections.ts): one row per DynamoDB item,
-- kept by stream-sync and reconciliation. Deleted items stay as tombstones (deleted_at).

CREATE TABLE connections (
  user_id text NOT NULL,
  connection_id text NOT NULL,
  provider text,
  status text,
  display_name text,
  scopes jsonb,
  created_at timestamptz,
  version bigint NOT NULL,
  deleted_at timestamptz,
  expired boolean NOT NULL DEFAULT false,
  source_updated_at timestamptz,
  synced_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, connection_id)
);

CREATE TABLE resources (
  connection_id text NOT NULL,
  resource_id text NOT NULL,
  kind text,
  name text,
  status text,
  skip_reason text,
  attributes jsonb,
  discovered_at timestamptz,
  version bigint NOT NULL,
  deleted_at timestamptz,
  expired boolean NOT NULL DEFAULT false,
  source_updated_at timestamptz,
  synced_at timestamptz NOT NULL,
  PRIMARY KEY (connection_id, resource_id)
);

-- Live rows only, for the reports that never want tombstones.
CREATE INDEX connections_live ON connections (user_id) WHERE deleted_at IS NULL;
CREATE INDEX resources_live ON resources (connection_id) WHERE deleted_at IS NULL;
