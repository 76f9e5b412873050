import { waitFor } from '@shepherd/testing';
import type { AgentJson, RestClient } from './rest-client.js';

/**
 * Polls `GET /api/v1/agents/{uid}` until `test` holds and returns that view.
 * @throws Error naming `description` and quoting the last view seen.
 */
export async function waitForAgentView(
  rest: RestClient,
  uid: string,
  test: (agent: AgentJson) => boolean,
  description: string,
  timeoutMs = 20_000,
): Promise<AgentJson> {
  let last: AgentJson | undefined;
  try {
    return await waitFor(
      async () => {
        last = await rest.getAgent(uid);
        return last !== undefined && test(last) ? last : undefined;
      },
      { timeoutMs, intervalMs: 100, description },
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; last view: ${JSON.stringify(last)}`, { cause: err });
  }
}

/** The view records that the agent reported `hash` APPLIED, and that `hash` is its target. */
export const appliedAndTargeted =
  (hash: string) =>
  (agent: AgentJson): boolean =>
    agent.remoteConfig.status === 'APPLIED' && agent.remoteConfig.reportedHash === hash && agent.remoteConfig.targetHash === hash;
