-- Agent inventory (filled by the gateway and config slices) and the append-only audit log.
-- Portable SQL: runs unchanged on PostgreSQL and on PGlite (no extensions).

CREATE TABLE agents (
  instance_uid uuid PRIMARY KEY,
  tenant_id text NOT NULL DEFAULT 'default',
  -- AgentDescription attributes as a JSON object of key -> value.
  identifying jsonb NOT NULL DEFAULT '{}',
  non_identifying jsonb NOT NULL DEFAULT '{}',
  -- AgentCapabilities bit mask (uint64 on the wire; the defined bits fit in int8).
  capabilities bigint NOT NULL DEFAULT 0,
  sequence_num bigint,
  connected boolean NOT NULL DEFAULT false,
  gateway_id text,
  transport text,
  last_seen_at timestamptz,
  first_seen_at timestamptz NOT NULL DEFAULT now(),
  health jsonb,
  effective_config jsonb,
  remote_config_status jsonb,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX agents_tenant_id_idx ON agents (tenant_id);
CREATE INDEX agents_identifying_gin_idx ON agents USING gin (identifying);
CREATE INDEX agents_non_identifying_gin_idx ON agents USING gin (non_identifying);

CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  tenant_id text,
  actor text NOT NULL,
  action text NOT NULL,
  subject text NOT NULL,
  before_hash text,
  after_hash text,
  details jsonb,
  at timestamptz NOT NULL DEFAULT now()
);

-- Append-only: history may be added to, never rewritten.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP;
END;
$$;

CREATE TRIGGER audit_log_no_rewrite
  BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TRIGGER audit_log_no_truncate
  BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
