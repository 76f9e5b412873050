/** @shepherd/testing: helpers for tests only; never imported by production code. */
export { waitFor, type WaitForOptions } from './wait-for.js';
export { uniqueName } from './unique-name.js';
export { testEngines } from './engines.js';
export {
  createTestTokenIssuer,
  type TestTokenIssuer,
  type TestTokenIssuerOptions,
  type TestSignOptions,
  type TestPublicJwk,
} from './jwt/test-issuer.js';
export { FakeAgent, startFakeAgent, type FakeAgentEvents, type FakeAgentWaitOptions } from './agent/fake-agent.js';
export {
  DEFAULT_FAKE_AGENT_CAPABILITIES,
  type FakeAgentOptions,
  type FakeAgentSettings,
  type FakeAgentDescription,
  type FakeConfigFile,
  type FakeConfigFiles,
} from './agent/fake-agent-options.js';
export type { FakeHealth, FakeRemoteConfigStatus } from './agent/agent-report.js';
export type { RemoteConfigOutcome } from './agent/remote-config-applier.js';
export type { ConnectErrorInfo, DisconnectInfo } from './agent/agent-driver.js';
export type { ChangeWaitOptions } from './change-watchers.js';
export { startElasticAgent, type ElasticAgent, type ElasticAgentOptions } from './elastic/elastic-agent.js';
export type { ElasticExchange, ElasticFailure } from './elastic/elastic-wire.js';
export {
  loaderArgs,
  startAppProcess,
  stopAllAppProcesses,
  type AppProcess,
  type AppProcessOptions,
  type AppExit,
  type LogMatch,
} from './process/app-process.js';
export type { AppLogRecord, AppUrls } from './process/app-log.js';
export { loopbackAppEnv, realEnginesEnv, type LoopbackAppEnvOptions } from './process/app-env.js';
