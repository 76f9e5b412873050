import type { IncomingMessage } from 'node:http';
import { gunzip, inflate, type InputType, type ZlibOptions } from 'node:zlib';
import { BadContentEncodingError, MessageTooLargeError, UnsupportedContentEncodingError } from './errors.js';

type Inflater = (buf: InputType, options: ZlibOptions, callback: (err: Error | null, result: Buffer) => void) => void;

const DECODERS: Readonly<Record<string, Inflater | undefined>> = { gzip: gunzip, 'x-gzip': gunzip, deflate: inflate };

// Compressed data can be slightly larger than its content (incompressible input plus framing).
function compressedLimit(limit: number): number {
  return limit + Math.ceil(limit / 1000) + 1024;
}

/**
 * Reads an OpAMP request body and removes its Content-Encoding (gzip or
 * deflate; identity when absent), enforcing `limit` on the decompressed
 * size (wire-facts §7.12, §7.14). Stops storing data as soon as the limit
 * is passed.
 * @throws {MessageTooLargeError} the body exceeds `limit` (answer 413)
 * @throws {BadContentEncodingError} the body is not valid gzip/deflate data (answer 400)
 * @throws {UnsupportedContentEncodingError} another Content-Encoding (answer 415)
 */
export async function readAgentBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  const decoder = encoding === 'identity' || encoding === '' ? undefined : DECODERS[encoding];
  if (decoder === undefined && encoding !== 'identity' && encoding !== '') {
    throw new UnsupportedContentEncodingError(`Content-Encoding ${JSON.stringify(encoding)} is not supported (use gzip or none)`);
  }
  const rawLimit = decoder === undefined ? limit : compressedLimit(limit);
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > rawLimit) throw tooLarge(limit);
  const raw = await collect(req, rawLimit, limit);
  if (decoder === undefined) return raw;
  return new Promise((resolve, reject) => {
    decoder(raw, { maxOutputLength: limit }, (err, out) => {
      if (err === null) resolve(out);
      else if ((err as Error & { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') reject(tooLarge(limit));
      else reject(new BadContentEncodingError(`request body is not valid ${encoding} data: ${err.message}`, { cause: err }));
    });
  });
}

function tooLarge(limit: number): MessageTooLargeError {
  return new MessageTooLargeError(`AgentToServer exceeds the ${limit}-byte limit`);
}

function collect(req: IncomingMessage, rawLimit: number, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > rawLimit) {
        done = true;
        chunks.length = 0;
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks, size));
      done = true;
    });
    req.on('error', (err) => {
      if (!done) reject(err);
      done = true;
    });
  });
}
