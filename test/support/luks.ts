/**
 * LUKSctl test support: a Vault-compatible HTTP(S) server (response-wrapping tokens usable once,
 * KV version 2 reads), self-signed certificates made with openssl, and a raw HTTP client that
 * can send any `Host` header.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import {
  createServer as createHttpServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type Server,
} from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Certificate {
  dir: string;
  cert: string;
  key: string;
  remove(): void;
}

/** A self-signed certificate for 127.0.0.1 and localhost (openssl must be installed). */
export function selfSignedCertificate(): Certificate {
  const dir = mkdtempSync(join(tmpdir(), 'cloudfed-tls-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  // Fails loudly when openssl is missing: the HTTPS cases must not silently pass.
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return { dir, cert, key, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface VaultRequest {
  method: string;
  path: string;
  token: string | undefined;
}

export interface VaultFixture {
  url: string;
  requests: VaultRequest[];
  /** Stores a KV v2 secret at `{root}/data/{path}` and returns a wrapping token that unwraps, once, to a client token allowed to read it. */
  wrap(root: string, path: string, data: Record<string, unknown>): string;
  /** Answer every unwrap (or read) with this status instead (null: normal behaviour). */
  failUnwrap: number | null;
  failRead: number | null;
  /** Delay before answering, ms (to test timeouts). */
  delayMs: number;
  close(): Promise<void>;
}

/** Starts a Vault-compatible server on a free loopback port (HTTPS when `tls` is given). */
export async function startVaultFixture(tls?: { cert: string; key: string }): Promise<VaultFixture> {
  const wrapping = new Map<string, string>(); // wrapping token → client token
  const readable = new Map<string, Set<string>>(); // client token → secret API paths
  const secrets = new Map<string, Record<string, unknown>>(); // API path → data
  const fixture: Omit<VaultFixture, 'url' | 'close'> = {
    requests: [],
    failUnwrap: null,
    failRead: null,
    delayMs: 0,
    wrap(root, path, data) {
      const apiPath = `/v1/${root}/data/${path}`;
      secrets.set(apiPath, data);
      const wrap = `s.${randomBytes(12).toString('base64url')}`;
      const client = `s.${randomBytes(12).toString('base64url')}`;
      wrapping.set(wrap, client);
      readable.set(client, new Set([apiPath]));
      return wrap;
    },
  };
  const answer = (response: import('node:http').ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    response.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    });
    response.end(text);
  };
  const handler = (
    request: import('node:http').IncomingMessage,
    response: import('node:http').ServerResponse,
  ) => {
    request.resume();
    request.on('end', () => {
      const token = request.headers['x-vault-token'];
      const path = (request.url ?? '/').split('?')[0]!;
      fixture.requests.push({
        method: request.method ?? '',
        path,
        token: typeof token === 'string' ? token : undefined,
      });
      setTimeout(() => {
        if (request.method === 'POST' && path === '/v1/sys/wrapping/unwrap') {
          if (fixture.failUnwrap !== null)
            return answer(response, fixture.failUnwrap, { errors: ['unwrap refused'] });
          const client = typeof token === 'string' ? wrapping.get(token) : undefined;
          // Real Vault: a wrapping token is single use.
          if (!client)
            return answer(response, 400, { errors: ['wrapping token is not valid or does not exist'] });
          wrapping.delete(token as string);
          return answer(response, 200, {
            request_id: randomBytes(8).toString('hex'),
            auth: { client_token: client, policies: ['default'], lease_duration: 3600, renewable: false },
          });
        }
        if (request.method === 'GET' && path.startsWith('/v1/')) {
          if (fixture.failRead !== null)
            return answer(response, fixture.failRead, { errors: ['permission denied'] });
          const allowed = typeof token === 'string' ? readable.get(token) : undefined;
          if (!allowed?.has(path)) return answer(response, 403, { errors: ['permission denied'] });
          const data = secrets.get(path);
          if (!data) return answer(response, 404, { errors: [] });
          return answer(response, 200, {
            data: { data, metadata: { version: 1, created_time: '2024-01-01T00:00:00Z', destroyed: false } },
          });
        }
        answer(response, 404, { errors: [] });
      }, fixture.delayMs);
    });
  };
  const server: Server = tls
    ? createHttpsServer({ cert: readFileSync(tls.cert), key: readFileSync(tls.key) }, handler)
    : createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(fixture, {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  }) as VaultFixture;
}

export interface RawReply {
  status: number;
  statusMessage: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One HTTP(S) request with exactly the given headers (including `Host`). */
export function rawRequest(
  baseUrl: string,
  options: {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    ca?: Buffer;
  },
): Promise<RawReply> {
  const url = new URL(options.path, baseUrl);
  const secure = url.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const request = (secure ? httpsRequest : httpRequest)(
      url,
      {
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
        ...(secure ? { ca: options.ca } : {}),
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            statusMessage: response.statusMessage ?? '',
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}
