/**
 * Runs `@elastic/mockopampserver` alone in this process on 127.0.0.1 (port 0) for the
 * HTTP-heartbeat comparison; prints `{"msg":"mock listening","endpoint":...}` and stops on SIGTERM.
 */
import { MockOpAMPServer } from '@elastic/mockopampserver';

const server = new MockOpAMPServer({ hostname: '127.0.0.1', port: 0, logLevel: 'warn' });
await server.start();
process.stdout.write(`${JSON.stringify({ msg: 'mock listening', endpoint: server.endpoint })}\n`);
process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
