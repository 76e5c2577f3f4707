/**
 * The Vault client of the volumes domain: fetches a LUKS passphrase by unwrapping a
 * response-wrapping token (`sys/wrapping/unwrap`) and reading a KV version 2 secret. TLS is
 * verified by default (optionally against a configured CA bundle); every call has a timeout.
 * Tokens and the passphrase are never logged nor put into error messages.
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BackendError } from '../../errors/index.js';
import type { PassphraseProvider, VaultSecretLocation } from '../../subgraphs/volumes/index.js';

export interface VaultClientOptions {
  /** PEM CA bundle file trusted for Vault's certificate (default: Node's bundled CAs). */
  caFile?: string | undefined;
  /** Verify Vault's certificate (default true). */
  tlsVerify?: boolean;
  timeoutMs: number;
}

/** Largest Vault answer read, bytes (a wrapped token or a KV secret is a few KiB). */
const MAX_ANSWER = 1024 * 1024;

interface VaultAnswer {
  status: number;
  body: unknown;
}

/**
 * Builds the passphrase provider. Failures are BackendErrors with reason `VAULT_UNWRAP_FAILED`,
 * `VAULT_READ_FAILED`, `VAULT_KEY_MISSING` (BACKEND_FAILED) or `VAULT_UNREACHABLE`
 * (BACKEND_UNAVAILABLE, or BACKEND_TIMEOUT when Vault did not answer in time).
 */
export function createVaultClient(options: VaultClientOptions): PassphraseProvider {
  // Read once at start: a missing CA file is a configuration error, not a per-request one.
  const ca = options.caFile ? readFileSync(options.caFile) : undefined;
  const verify = options.tlsVerify ?? true;

  const call = (method: 'GET' | 'POST', url: URL, token: string): Promise<VaultAnswer> =>
    new Promise((resolve, reject) => {
      const secure = url.protocol === 'https:';
      const requestOptions = {
        method,
        headers: {
          'x-vault-token': token,
          accept: 'application/json',
          ...(method === 'POST' ? { 'content-length': '0' } : {}),
        },
        timeout: options.timeoutMs,
        ...(secure ? { rejectUnauthorized: verify, ...(ca ? { ca } : {}) } : {}),
      };
      const onResponse = (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER) {
            clearTimeout(deadline);
            response.destroy();
            return reject(unreachable(url, 'answer too large'));
          }
          chunks.push(chunk);
        });
        response.on('error', (error) => {
          clearTimeout(deadline);
          reject(unreachable(url, error.message));
        });
        response.on('end', () => {
          clearTimeout(deadline);
          let body: unknown = null;
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            body = null;
          }
          resolve({ status: response.statusCode ?? 0, body });
        });
      };
      const req = secure
        ? httpsRequest(url, requestOptions, onResponse)
        : httpRequest(url, requestOptions, onResponse);
      // `timeout` only covers idle sockets; this bounds the whole exchange.
      const deadline = setTimeout(() => {
        req.destroy();
        reject(
          new BackendError(
            'BACKEND_TIMEOUT',
            `Vault did not answer within ${options.timeoutMs} ms`,
            { reason: 'VAULT_UNREACHABLE' },
            `${method} ${url.origin}${url.pathname}`,
          ),
        );
      }, options.timeoutMs);
      req.on('timeout', () => req.destroy(new Error('socket timeout')));
      req.on('error', (error) => {
        clearTimeout(deadline);
        reject(unreachable(url, (error as NodeJS.ErrnoException).code ?? error.message));
      });
      req.end();
    });

  return {
    async fetchPassphrase(vault: VaultSecretLocation): Promise<string> {
      const base = vault.url.replace(/\/+$/, '');
      const unwrapUrl = new URL(`${base}/v1/sys/wrapping/unwrap`);
      const unwrapped = await call('POST', unwrapUrl, vault.token);
      const clientToken = field(field(unwrapped.body, 'auth'), 'client_token');
      if (!ok(unwrapped.status) || typeof clientToken !== 'string' || clientToken === '') {
        throw new BackendError(
          'BACKEND_FAILED',
          'Vault refused to unwrap the token',
          { reason: 'VAULT_UNWRAP_FAILED', status: unwrapped.status },
          `unwrap answered ${unwrapped.status}`,
        );
      }
      const secretUrl = new URL(`${base}/v1/${vault.secretRoot}/data/${vault.secretPath}`);
      const read = await call('GET', secretUrl, clientToken);
      const data = field(field(read.body, 'data'), 'data');
      if (!ok(read.status) || typeof data !== 'object' || data === null || Array.isArray(data)) {
        throw new BackendError(
          'BACKEND_FAILED',
          'Vault refused to read the secret',
          { reason: 'VAULT_READ_FAILED', status: read.status },
          `read answered ${read.status}`,
        );
      }
      const passphrase = Object.hasOwn(data, vault.secretKey)
        ? (data as Record<string, unknown>)[vault.secretKey]
        : undefined;
      if (typeof passphrase !== 'string') {
        throw new BackendError('BACKEND_FAILED', 'The secret has no such key', {
          reason: 'VAULT_KEY_MISSING',
        });
      }
      return passphrase;
    },
  };
}

function ok(status: number): boolean {
  return status >= 200 && status < 300;
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, key)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

function unreachable(url: URL, why: string): BackendError {
  return new BackendError(
    'BACKEND_UNAVAILABLE',
    'Vault could not be reached',
    { reason: 'VAULT_UNREACHABLE' },
    `${url.origin}: ${why}`,
  );
}
