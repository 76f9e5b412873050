import { stopAllAppProcesses, type FakeAgent } from '@shepherd/testing';
import { afterEach } from 'vitest';
import type { Deployment } from './deployment.js';

/** What a one-agent scenario started; a test sets each field as it starts it. */
export interface OneAgentScenario {
  agent: FakeAgent | undefined;
  deployment: Deployment | undefined;
}

/**
 * Registers an `afterEach` that stops the scenario's agent and every app process, then removes
 * the deployment (whatever the test reached), and returns the scenario for the test to fill in.
 */
export function oneAgentScenario(): OneAgentScenario {
  const scenario: OneAgentScenario = { agent: undefined, deployment: undefined };
  afterEach(async () => {
    await scenario.agent?.stop();
    scenario.agent = undefined;
    await stopAllAppProcesses();
    const finished = scenario.deployment;
    scenario.deployment = undefined;
    await finished?.cleanup();
  });
  return scenario;
}
