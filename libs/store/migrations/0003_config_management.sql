-- Config management: version metadata and origin, Kubernetes-style selector expressions,
-- emergency and per-agent assignments, assignment history, last good config per agent.
-- Portable SQL: runs unchanged on PostgreSQL 15 and on PGlite (no extensions).

-- Version metadata. `label` is the user's name for a version ("v1.4.0"), `origin` where it came
-- from: {"type": "api"} or {"type": "git", "repository", "branch", "commit", "path"}.
ALTER TABLE config_versions ADD COLUMN label text;
ALTER TABLE config_versions ADD COLUMN description text;
ALTER TABLE config_versions ADD COLUMN origin jsonb NOT NULL DEFAULT '{"type": "api"}'
  CHECK (jsonb_typeof(origin) = 'object' AND origin ? 'type');
CREATE INDEX config_versions_tenant_created_idx ON config_versions (tenant_id, created_at DESC, hash);

-- True when `labels` satisfies `selector`:
--   {"matchLabels": {k: v}, "matchExpressions": [{"key", "operator", "values"}]}
-- with the Kubernetes operators In, NotIn, Exists, DoesNotExist (NotIn and DoesNotExist match an
-- agent without the key). The TypeScript twin is `matchesSelector` in libs/config-service; a
-- test keeps the two in agreement. Callers add `labels @> selector -> 'matchLabels'` themselves
-- where a GIN index should serve it.
CREATE FUNCTION selector_matches(labels jsonb, selector jsonb) RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT labels @> COALESCE(selector -> 'matchLabels', '{}'::jsonb)
     AND NOT EXISTS (
       SELECT 1 FROM jsonb_array_elements(COALESCE(selector -> 'matchExpressions', '[]'::jsonb)) AS e(x)
        WHERE NOT (CASE x ->> 'operator'
          WHEN 'In' THEN COALESCE((x -> 'values') ? (labels ->> (x ->> 'key')), false)
          WHEN 'NotIn' THEN NOT COALESCE((x -> 'values') ? (labels ->> (x ->> 'key')), false)
          WHEN 'Exists' THEN labels ? (x ->> 'key')
          WHEN 'DoesNotExist' THEN NOT (labels ? (x ->> 'key'))
          ELSE false END))
$$;

-- Assignments may carry expressions now; matchLabels stays required (possibly empty).
ALTER TABLE config_assignments DROP CONSTRAINT config_assignments_selector_check;
ALTER TABLE config_assignments ADD CONSTRAINT config_assignments_selector_check CHECK (
  jsonb_typeof(selector -> 'matchLabels') = 'object'
  AND jsonb_typeof(COALESCE(selector -> 'matchExpressions', '[]'::jsonb)) = 'array');

-- What an assignment is: a normal selector assignment, a rollback of one, an emergency config
-- (seed 5.2, priority URGENT: wins over every other assignment until cleared), or a pin of one
-- agent (a per-agent rollback). Resolution order: urgent first, then agent pins, then priority,
-- then the newest.
ALTER TABLE config_assignments ADD COLUMN kind text NOT NULL DEFAULT 'assign'
  CHECK (kind IN ('assign', 'rollback', 'emergency', 'agent-pin', 'gitops'));
ALTER TABLE config_assignments ADD COLUMN urgent boolean NOT NULL DEFAULT false;
-- Set only for kind 'agent-pin': the one agent this assignment applies to.
ALTER TABLE config_assignments ADD COLUMN instance_uid uuid;
-- Canonical text of the target (the selector in a stable form, or `agent:<uid>`): the
-- assignments of one target form its history, and a new one supersedes the active one.
ALTER TABLE config_assignments ADD COLUMN target_key text;
UPDATE config_assignments SET target_key = selector::text WHERE target_key IS NULL;
ALTER TABLE config_assignments ALTER COLUMN target_key SET NOT NULL;
ALTER TABLE config_assignments ADD COLUMN description text;
ALTER TABLE config_assignments ADD COLUMN deactivated_at timestamptz;
ALTER TABLE config_assignments ADD COLUMN deactivated_by text;
ALTER TABLE config_assignments ADD CONSTRAINT config_assignments_pin_check
  CHECK ((kind = 'agent-pin') = (instance_uid IS NOT NULL));
ALTER TABLE config_assignments ADD CONSTRAINT config_assignments_urgent_check
  CHECK ((kind = 'emergency') = urgent);

DROP INDEX config_assignments_resolve_idx;
CREATE INDEX config_assignments_resolve_idx
  ON config_assignments (tenant_id, urgent DESC, priority DESC, created_at DESC, seq DESC) WHERE active;
CREATE INDEX config_assignments_history_idx ON config_assignments (tenant_id, target_key, seq DESC);
CREATE INDEX config_assignments_pin_idx ON config_assignments (instance_uid) WHERE active AND instance_uid IS NOT NULL;

-- The last config an agent reported APPLIED: what it runs while a newer one fails.
ALTER TABLE agent_config_state ADD COLUMN last_applied_hash text;
ALTER TABLE agent_config_state ADD COLUMN last_applied_at timestamptz;

-- Audit queries: by tenant in time order, by subject, by actor.
CREATE INDEX audit_log_tenant_at_idx ON audit_log (tenant_id, at DESC, id DESC);
CREATE INDEX audit_log_subject_idx ON audit_log (tenant_id, subject, id DESC);
