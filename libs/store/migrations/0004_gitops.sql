-- GitOps config source (libs/config-gitops): what each config directory of a repository was last
-- applied as, so a restart or another replica neither re-applies unchanged directories nor
-- forgets a directory deleted while it was down; and a lease so one process syncs a repository.
-- Portable SQL: runs unchanged on PostgreSQL 15 and on PGlite (no extensions).

CREATE TABLE gitops_directories (
  tenant_id text NOT NULL,
  -- The repository URL as configured (never holds a password).
  repository text NOT NULL,
  -- The config directory inside the repository, e.g. `configs/prod`.
  directory text NOT NULL,
  -- Git tree id of the directory when it was applied: an equal id means unchanged content.
  tree_oid text NOT NULL CHECK (tree_oid ~ '^[0-9a-f]{40}([0-9a-f]{24})?$'),
  -- The selector the directory's config was assigned to ({"matchLabels", "matchExpressions"}).
  selector jsonb NOT NULL CHECK (jsonb_typeof(selector) = 'object'),
  config_hash text NOT NULL,
  commit_oid text NOT NULL,
  applied_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, repository, directory)
);

-- The process that syncs a repository now; another may take over once `expires_at` passed.
CREATE TABLE gitops_sync_leases (
  tenant_id text NOT NULL,
  repository text NOT NULL,
  holder text NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, repository)
);
