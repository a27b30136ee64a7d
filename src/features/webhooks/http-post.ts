/**
 * One webhook attempt: POST a JSON body with a hard timeout over node:http(s). The socket connects
 * only to an address that passed the SSRF guard, because the guard's own resolution is handed to
 * the request as its `lookup` (no second DNS answer can differ). Redirects are not followed.
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { resolvePublicAddresses } from './url-guard.js';

export interface PostResult {
  /** HTTP status, or null when no response arrived (timeout, refused, DNS). */
  status: number | null;
  /** A short reason for a failure, for the delivery log. */
  error: string | null;
}

const MAX_RESPONSE_BYTES = 64 * 1024;

export async function postJson(
  url: URL,
  body: string,
  headers: Record<string, string>,
  options: { timeoutMs: number; allowPrivate: boolean },
): Promise<PostResult> {
  let addresses: { address: string; family: number }[];
  try {
    addresses = await resolvePublicAddresses(url, options.allowPrivate);
  } catch (err) {
    return { status: null, error: err instanceof Error ? err.message : String(err) };
  }
  const pinned = addresses[0] as { address: string; family: number };
  const lookup: LookupFunction = (_hostname, lookupOptions, callback) => {
    if (lookupOptions.all) callback(null, [pinned]);
    else callback(null, pinned.address, pinned.family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<PostResult>((resolve) => {
    let settled = false;
    const finish = (result: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const request = client.request(
      url,
      {
        method: 'POST',
        lookup,
        agent: false,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'Intake-Webhooks/1',
        },
      },
      (response) => {
        let received = 0;
        response.on('data', (chunk: Buffer) => {
          received += chunk.length;
          // We only need the status; do not let a receiver stream us megabytes.
          if (received > MAX_RESPONSE_BYTES) response.destroy();
        });
        response.on('end', () => finish({ status: response.statusCode ?? null, error: null }));
        response.on('close', () => finish({ status: response.statusCode ?? null, error: null }));
        response.on('error', () => finish({ status: response.statusCode ?? null, error: null }));
      },
    );
    const timer = setTimeout(() => {
      request.destroy(new Error(`no response within ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    request.on('error', (err) => finish({ status: null, error: err.message }));
    request.end(body);
  });
}
