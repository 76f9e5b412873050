import { Gauge, type Registry } from '@shepherd/runtime';
import type { GitopsSyncStatus } from './sync-status.js';

/**
 * Registers gauges computed from `status()` at each scrape of the admin `/metrics`:
 * `shepherd_gitops_last_success_timestamp_seconds`, `shepherd_gitops_last_attempt_timestamp_seconds`,
 * `shepherd_gitops_sync_failing` (1 while the latest attempt failed),
 * `shepherd_gitops_consecutive_failures`, `shepherd_gitops_directories`,
 * `shepherd_gitops_directory_errors`, and `shepherd_gitops_info{repository,branch,commit,state}` = 1.
 * Replaces gauges of the same names already on `registry`.
 */
export function registerGitopsMetrics(registry: Registry, status: () => GitopsSyncStatus): void {
  const seconds = (iso: string | undefined): number => (iso === undefined ? 0 : Date.parse(iso) / 1000);
  gauge(registry, 'shepherd_gitops_last_success_timestamp_seconds', 'Unix time of the last GitOps sync that fetched and processed the branch (0: none yet)', () =>
    seconds(status().lastSuccessAt),
  );
  gauge(registry, 'shepherd_gitops_last_attempt_timestamp_seconds', 'Unix time of the last GitOps sync attempt (0: none yet)', () =>
    seconds(status().lastAttemptAt),
  );
  gauge(registry, 'shepherd_gitops_sync_failing', '1 while the latest GitOps sync attempt failed (fetch, auth or layout), else 0', () =>
    status().lastError === undefined ? 0 : 1,
  );
  gauge(registry, 'shepherd_gitops_consecutive_failures', 'GitOps sync attempts that failed in a row', () => status().consecutiveFailures);
  gauge(registry, 'shepherd_gitops_directories', 'Config directories in the last processed commit', () => status().directories);
  gauge(registry, 'shepherd_gitops_directory_errors', 'Config directories skipped because they are invalid or could not be applied', () =>
    status().directoryErrors.length,
  );
  registry.removeSingleMetric('shepherd_gitops_info');
  new Gauge({
    name: 'shepherd_gitops_info',
    help: 'The GitOps source: repository, branch, last processed commit and state (value always 1)',
    labelNames: ['repository', 'branch', 'commit', 'state'],
    registers: [registry],
    collect() {
      const current = status();
      this.reset();
      this.set({ repository: current.repository, branch: current.branch, commit: current.lastCommit ?? '', state: current.state }, 1);
    },
  });
}

function gauge(registry: Registry, name: string, help: string, value: () => number): void {
  registry.removeSingleMetric(name);
  new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(value());
    },
  });
}
