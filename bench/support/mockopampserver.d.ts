/** The part of `@elastic/mockopampserver` (plain JavaScript, no types) the HTTP comparison uses. */
declare module '@elastic/mockopampserver' {
  export class MockOpAMPServer {
    constructor(opts?: { hostname?: string; port?: number; logLevel?: string });
    readonly endpoint: string;
    start(): Promise<void>;
    close(): Promise<void>;
  }
}
