import { readFile } from 'node:fs/promises';
import type { TlsMaterial } from '@shepherd/agent-transport';
import { ShepherdError } from '@shepherd/errors';
import type { AgentTlsConfig } from './agent-config.js';

export type { TlsMaterial };

/** A configured TLS file cannot be read. */
export class TlsFileError extends ShepherdError {
  readonly code = 'AGENT_TLS_FILE_UNREADABLE';
  readonly kind = 'failed_precondition' as const;
}

/**
 * Reads the CA, client certificate and key files named by `opamp.server.tls`.
 * @throws {TlsFileError} naming the key and the file that cannot be read.
 */
export async function loadTlsMaterial(tls: AgentTlsConfig | undefined): Promise<TlsMaterial> {
  if (tls === undefined) return { rejectUnauthorized: true };
  const read = async (key: string, file: string | undefined): Promise<Buffer | undefined> => {
    if (file === undefined) return undefined;
    try {
      return await readFile(file);
    } catch (cause) {
      throw new TlsFileError(`opamp.server.tls.${key}: cannot read ${file}: ${(cause as Error).message}`, { cause });
    }
  };
  const [ca, cert, key] = await Promise.all([read('ca_file', tls.caFile), read('cert_file', tls.certFile), read('key_file', tls.keyFile)]);
  return {
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    rejectUnauthorized: !tls.insecure,
  };
}
