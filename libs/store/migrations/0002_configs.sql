-- Config versions, assignments by label selector, and the remote-config state of every agent.
-- Portable SQL: runs unchanged on PostgreSQL 15 and on PGlite (no extensions).

-- Labels of an agent, the map selectors match against: non-identifying attributes overlaid by
-- identifying ones (both are JSON objects of key -> string). PostgreSQL keeps the column
-- itself, so selecting agents is one containment test (`labels @> '{"env":"prod"}'`) on a GIN
-- index and no writer can let it drift from the attributes.
ALTER TABLE agents ADD COLUMN labels jsonb GENERATED ALWAYS AS (non_identifying || identifying) STORED;

-- True once an AgentDescription was stored. An agent with an empty description is still
-- described; without one its labels are unknown and no config can be chosen for it.
ALTER TABLE agents ADD COLUMN described boolean NOT NULL DEFAULT false;

CREATE INDEX agents_labels_gin_idx ON agents USING gin (labels jsonb_path_ops);
-- Keyset pagination of a tenant's agents, and fan-out over its online agents.
CREATE INDEX agents_tenant_uid_idx ON agents (tenant_id, instance_uid);
CREATE INDEX agents_tenant_online_idx ON agents (tenant_id, instance_uid) WHERE connected;

-- One immutable config: a set of named files, identified by the sha256 of their canonical
-- encoding (hex). Keyed per tenant so identical content in two tenants never shares a row
-- (name and author stay private to the tenant that wrote them).
CREATE TABLE config_versions (
  tenant_id text NOT NULL,
  hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
  name text,
  -- [{"name", "contentType", "body", "encoding": "utf8" | "base64"}], sorted by name.
  files jsonb NOT NULL CHECK (jsonb_typeof(files) = 'array'),
  author text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, hash)
);

-- Which config the agents matching a selector should run. The active assignment with the
-- highest priority, then the newest, wins for an agent.
CREATE TABLE config_assignments (
  id uuid PRIMARY KEY,
  -- Insertion order: breaks ties between assignments created within the same millisecond.
  seq bigint GENERATED ALWAYS AS IDENTITY,
  tenant_id text NOT NULL,
  -- {"matchLabels": {"key": "value", ...}}; an empty map selects every agent of the tenant.
  selector jsonb NOT NULL CHECK (jsonb_typeof(selector -> 'matchLabels') = 'object'),
  priority integer NOT NULL DEFAULT 0,
  config_hash text NOT NULL,
  name text,
  author text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  active boolean NOT NULL DEFAULT true,
  FOREIGN KEY (tenant_id, config_hash) REFERENCES config_versions (tenant_id, hash)
);

CREATE INDEX config_assignments_resolve_idx
  ON config_assignments (tenant_id, priority DESC, created_at DESC, seq DESC) WHERE active;

-- What the config service last decided for an agent and what the agent last reported.
CREATE TABLE agent_config_state (
  instance_uid uuid PRIMARY KEY REFERENCES agents (instance_uid) ON DELETE CASCADE,
  -- Target at the last offer (the live target is always resolved from the assignments).
  target_hash text,
  offered_hash text,
  offered_at timestamptz,
  -- RemoteConfigStatus.last_remote_config_hash (hex) and status of the last report.
  reported_hash text,
  status text CHECK (status IN ('UNSET', 'APPLIED', 'APPLYING', 'FAILED')),
  error_message text,
  -- Last time a ReportFullState flag was sent because the description was unknown.
  full_state_requested_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Status history per agent and config hash: the latest report for each hash.
CREATE TABLE agent_config_status (
  instance_uid uuid NOT NULL REFERENCES agents (instance_uid) ON DELETE CASCADE,
  config_hash text NOT NULL,
  status text NOT NULL CHECK (status IN ('UNSET', 'APPLIED', 'APPLYING', 'FAILED')),
  error_message text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (instance_uid, config_hash)
);
