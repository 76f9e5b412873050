/** One file of a collector config (an OpAMP AgentConfigFile keyed by name). */
export interface ConfigFile {
  readonly name: string;
  readonly contentType: string;
  readonly body: Uint8Array;
}
