import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startAppProcess, stopAllAppProcesses } from '@shepherd/testing';
import { afterEach, describe, expect, it } from 'vitest';

const MAIN = resolve(import.meta.dirname, 'main.ts');
const TEST_MS = 60_000;
const dirs: string[] = [];

afterEach(async () => {
  await stopAllAppProcesses();
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('shepherd-agent process', () => {
  it('refuses to start without a config file, with the usage line and exit code 78', async () => {
    const app = startAppProcess({ main: MAIN, name: 'shepherd-agent', env: {} });
    expect(await app.exited).toEqual({ code: 78, signal: null });
    expect(app.stderr).toContain('shepherd-agent: no config file given');
    expect(app.stderr).toContain('usage: shepherd-agent --config <agent.yaml>');
  }, TEST_MS);

  it('names every invalid key of its config file and exits 78 before starting anything', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'agent-main-'));
    dirs.push(dir);
    const file = join(dir, 'agent.yaml');
    await writeFile(file, 'opamp:\n  server:\n    endpoint: ftp://x\n    headers: { Authorization: "Bearer ${NO_SUCH_TOKEN_VAR}" }\n  local_config_path: c.yaml\n');
    const app = startAppProcess({ main: MAIN, name: 'shepherd-agent', env: { SHEPHERD_AGENT_CONFIG: file } });
    expect(await app.exited).toEqual({ code: 78, signal: null });
    expect(app.stderr).toContain(`shepherd-agent: cannot start [AGENT_CONFIG_INVALID]: agent config ${file} is invalid:`);
    expect(app.stderr).toContain('opamp.server.headers.Authorization: environment variable NO_SUCH_TOKEN_VAR is not set');

    await writeFile(file, 'opamp:\n  server:\n    endpoint: ftp://x\n  local_config_path: c.yaml\n  config_signing: { required: false }\n');
    const second = startAppProcess({ main: MAIN, name: 'shepherd-agent', env: { SHEPHERD_AGENT_CONFIG: file } });
    expect(await second.exited).toEqual({ code: 78, signal: null });
    expect(second.stderr).toContain('opamp.server.endpoint: must use ws, wss, http or https, got "ftp"');
  }, TEST_MS);
});
