import { arch, hostname, platform, release } from 'node:os';
import type { opamp } from '@shepherd/proto';
import type { AgentConfig } from './agent-config.js';

const OS_TYPES: Readonly<Partial<Record<NodeJS.Platform, string>>> = { linux: 'linux', darwin: 'darwin', win32: 'windows', freebsd: 'freebsd' };

const kv = (key: string, value: string): opamp.IKeyValue => ({ key, value: { stringValue: value } });

/**
 * The AgentDescription (seed section 1): identifying `service.name` and
 * `service.instance.id`; non-identifying host and OS facts, then the
 * configured labels (which win over a host fact of the same name, so an
 * operator can always say what selectors see).
 */
export function agentDescription(agent: AgentConfig['agent'], agentVersion: string): opamp.IAgentDescription {
  const facts: Record<string, string> = {
    'os.type': OS_TYPES[platform()] ?? platform(),
    'os.version': release(),
    'host.name': hostname(),
    'host.arch': arch(),
    'shepherd.agent.version': agentVersion,
  };
  const nonIdentifying = { ...facts, ...agent.labels };
  return {
    identifyingAttributes: [kv('service.name', agent.serviceName), kv('service.instance.id', agent.instanceId)],
    nonIdentifyingAttributes: Object.entries(nonIdentifying).map(([key, value]) => kv(key, value)),
  };
}
