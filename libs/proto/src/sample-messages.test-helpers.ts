/** Fully populated sample messages for the codec specs. */
import Long from 'long';
import {
  AgentCapabilities as AC,
  CommandType,
  ConnectionSettingsStatuses,
  PackageStatusEnum,
  PackageType,
  RemoteConfigStatuses,
  ServerCapabilities as SC,
  ServerErrorResponseType,
  ServerToAgentFlags,
  toMask,
} from './capabilities.js';
import type { opamp, IAgentToServer, IServerToAgent } from './messages.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

/** A 16-byte uid 0x01..0x10, easy to spot in hex dumps. */
export const UID = Uint8Array.from({ length: 16 }, (_, i) => i + 1);

/** One attribute of each AnyValue kind, plus a null value. */
export function everyAnyValue(): opamp.KeyValue.$Properties[] {
  return [
    { key: 'service.name', value: { stringValue: 'otelcol' } },
    { key: 'feature.on', value: { boolValue: true } },
    { key: 'int.min', value: { intValue: Long.MIN_VALUE } },
    { key: 'pi', value: { doubleValue: 3.141592653589793 } },
    { key: 'list', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: Long.fromInt(-2) }, {}] } } },
    { key: 'kv', value: { kvlistValue: { values: [{ key: 'nested', value: { bytesValue: bytes('n') } }] } } },
    { key: 'raw', value: { bytesValue: Uint8Array.from([0, 255, 128]) } },
    { key: 'null' },
  ];
}

const headers = (): opamp.Headers.$Properties => ({ headers: [{ key: 'Authorization', value: 'Bearer t' }] });
const tls = (): opamp.TLSConnectionSettings.$Properties => ({
  caPemContents: '-----BEGIN CERTIFICATE-----',
  includeSystemCaCertsPool: true,
  insecureSkipVerify: true,
  minVersion: '1.2',
  maxVersion: '1.3',
  cipherSuites: ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384'],
});
const proxy = (): opamp.ProxyConnectionSettings.$Properties => ({ url: 'http://proxy:3128', connectHeaders: headers() });
const cert = (): opamp.TLSCertificate.$Properties => ({ cert: bytes('CERT'), privateKey: bytes('KEY'), caCert: bytes('CA') });

/** An AgentToServer with every field 1..15 set. */
export function fullAgentToServer(): IAgentToServer {
  return {
    instanceUid: UID,
    sequenceNum: Long.fromString('18446744073709551615', true),
    agentDescription: { identifyingAttributes: everyAnyValue(), nonIdentifyingAttributes: [{ key: 'os.type', value: { stringValue: 'linux' } }] },
    capabilities: toMask(AC.AgentCapabilities_ReportsStatus, AC.AgentCapabilities_ReportsHealth, 1n << 63n),
    health: {
      healthy: false,
      startTimeUnixNano: Long.fromString('1700000000000000000', true),
      lastError: 'pipeline down',
      status: 'degraded',
      statusTimeUnixNano: Long.fromString('1700000000000000001', true),
      componentHealthMap: {
        'pipeline:traces': {
          healthy: true,
          componentHealthMap: { 'receiver:otlp': { healthy: true, status: 'ok', attributes: [{ key: 'port', value: { intValue: Long.fromInt(4317) } }] } },
        },
      },
      attributes: [{ key: 'host', value: { stringValue: 'h1' } }],
    },
    effectiveConfig: { configMap: { configMap: { '': { body: bytes('receivers: {}'), contentType: 'text/yaml' } } } },
    remoteConfigStatus: { lastRemoteConfigHash: bytes('h1'), status: RemoteConfigStatuses.RemoteConfigStatuses_FAILED, errorMessage: 'bad yaml' },
    packageStatuses: {
      packages: {
        agent: { name: 'agent', agentHasVersion: '1.0', agentHasHash: bytes('a1'), serverOfferedVersion: '1.1', serverOfferedHash: bytes('a2'), status: PackageStatusEnum.PackageStatusEnum_Downloading, downloadDetails: { downloadPercent: 42.5, downloadBytesPerSecond: 1048576.25 } },
        addon: { name: 'addon', status: PackageStatusEnum.PackageStatusEnum_InstallFailed, serverOfferedHash: bytes('b'), errorMessage: 'disk full' },
      },
      serverProvidedAllPackagesHash: bytes('all'),
      errorMessage: 'partial',
    },
    agentDisconnect: {},
    flags: Long.fromNumber(1, true),
    connectionSettingsRequest: { opamp: { certificateRequest: { csr: bytes('-----BEGIN CERTIFICATE REQUEST-----') } } },
    customCapabilities: { capabilities: ['com.example.pause/v2', 'io.shepherd.ping'] },
    customMessage: { capability: 'com.example.pause/v2', type: 'pause', data: Uint8Array.from([1, 2, 3]) },
    availableComponents: {
      components: { receivers: { metadata: [{ key: 'count', value: { intValue: Long.fromInt(2) } }], subComponentMap: { otlp: { metadata: [{ key: 'version', value: { stringValue: '0.1' } }] } } } },
      hash: bytes('components'),
    },
    connectionSettingsStatus: { lastConnectionSettingsHash: bytes('cs'), status: ConnectionSettingsStatuses.ConnectionSettingsStatuses_APPLYING, errorMessage: 'wait' },
  };
}

/** A ServerToAgent with remote config, connection settings, packages, identification and command. */
export function fullServerToAgent(): IServerToAgent {
  return {
    instanceUid: UID,
    remoteConfig: { config: { configMap: { 'collector.yaml': { body: bytes('exporters: {}'), contentType: 'text/yaml' } } }, configHash: bytes('cfg') },
    connectionSettings: {
      hash: bytes('settings'),
      opamp: { destinationEndpoint: 'wss://opamp.example:4320/v1/opamp', headers: headers(), certificate: cert(), heartbeatIntervalSeconds: Long.fromInt(30, true), tls: tls(), proxy: proxy() },
      ownMetrics: { destinationEndpoint: 'https://otlp.example/v1/metrics', headers: headers(), certificate: cert(), tls: tls(), proxy: proxy() },
      ownTraces: { destinationEndpoint: 'https://otlp.example/v1/traces' },
      ownLogs: { destinationEndpoint: 'https://otlp.example/v1/logs' },
      otherConnections: { kafka: { destinationEndpoint: 'kafka:9092', headers: headers(), certificate: cert(), otherSettings: { acks: 'all', '': 'empty-key' }, tls: tls(), proxy: proxy() } },
    },
    packagesAvailable: {
      packages: {
        '': { type: PackageType.PackageType_TopLevel, version: '2.0', file: { downloadUrl: 'https://pkg.example/agent', contentHash: bytes('sha'), signature: bytes('sig'), headers: headers() }, hash: bytes('p') },
        wasm: { type: PackageType.PackageType_Addon, version: '0.3', file: { downloadUrl: 'https://pkg.example/wasm' }, hash: bytes('w') },
      },
      allPackagesHash: bytes('all'),
    },
    flags: Long.fromInt(ServerToAgentFlags.ServerToAgentFlags_ReportFullState, true),
    capabilities: toMask(SC.ServerCapabilities_AcceptsStatus, SC.ServerCapabilities_OffersRemoteConfig, SC.ServerCapabilities_OffersPackages),
    agentIdentification: { newInstanceUid: Uint8Array.from({ length: 16 }, (_, i) => 0xf0 | i) },
    command: { type: CommandType.CommandType_Restart },
    customCapabilities: { capabilities: ['io.shepherd.ping'] },
    customMessage: { capability: 'io.shepherd.ping', type: 'ping', data: bytes('?') },
  };
}

/** A ServerToAgent that reports an Unavailable error with retry advice. */
export function errorServerToAgent(): IServerToAgent {
  return {
    instanceUid: UID,
    errorResponse: {
      type: ServerErrorResponseType.ServerErrorResponseType_Unavailable,
      errorMessage: 'overloaded',
      retryInfo: { retryAfterNanoseconds: Long.fromString('30000000000', true) },
    },
    capabilities: toMask(SC.ServerCapabilities_AcceptsStatus),
  };
}
