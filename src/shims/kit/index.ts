/**
 * What every REST shim is built from: the executor through which it calls the graph (its only
 * way to reach the cloud), the shape of a shim the gateway mounts, and small HTTP helpers.
 *
 * A shim is a route table: documented URL → a named GraphQL operation (a typed document from
 * codegen) → a pure renderer of the legacy response. Shims import no subgraph and no driver.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { isRegisteredCode, type ErrorCode } from '../../errors/index.js';
import type { Principal } from '../../identity/index.js';

/** Who a shim runs an operation as, and the request id its logs carry. */
export interface Caller {
  principal: Principal;
  requestId?: string;
}

/** A GraphQL error as a shim sees it: the registered code and the subgraph's `reason`. */
export interface GraphFailure {
  message: string;
  code: ErrorCode;
  reason?: string;
  path?: readonly (string | number)[];
  /** Every extension the subgraph set (detail values such as `exitCode`, `commandError`). */
  extensions: Readonly<Record<string, unknown>>;
}

export type GraphResult<TResult> =
  { ok: true; data: TResult } | { ok: false; data: TResult | null; errors: readonly GraphFailure[] };

/**
 * Runs a shim's operations on the graph with the caller's principal: in-process over the merged
 * schema in single mode, through the split gateway's executor in split mode. Unexpected errors
 * arrive masked as INTERNAL_SERVER_ERROR and are logged by the executor.
 */
export interface GraphExecutor {
  execute<TResult, TVariables extends Record<string, unknown>>(
    operation: TypedDocumentNode<TResult, TVariables>,
    variables: TVariables,
    caller: Caller,
  ): Promise<GraphResult<TResult>>;
}

/** Structured logging for shims; values are never secrets (tokens, passphrases, bodies). */
export interface ShimLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** A shim's own historical listener (PVC 7370, Gluster 8080, LUKSctl 5000), when configured. */
export interface ShimListener {
  port: number;
  host: string;
  /** PEM file paths; HTTPS when present. */
  tls?: { cert: string; key: string };
}

export interface Shim {
  name: string;
  /** URL path prefixes on the main server (`/api/v1`); every path under them goes to `handle`. */
  prefixes: readonly string[];
  /** Handles one request; must always answer (the gateway answers 500 JSON if it throws). */
  handle(request: IncomingMessage, response: ServerResponse): Promise<void>;
  /** The historical listener, where every path goes to `handleHistorical` (default `handle`). */
  listener?: ShimListener;
  handleHistorical?(request: IncomingMessage, response: ServerResponse): Promise<void>;
  /** Releases what the shim holds (SMTP pools, timers); called on shutdown. */
  close?(): Promise<void>;
}

/** What the composition root hands every shim factory. */
export interface ShimDependencies {
  graph: GraphExecutor;
  log: ShimLogger;
}

/** A legacy response, fully decided before anything is written. */
export interface ShimResponse {
  status: number;
  headers?: Record<string, string | readonly string[]>;
  body?: string | Buffer;
}

/** Writes a response exactly as given (no added content type, no transformation). */
export function send(response: ServerResponse, reply: ShimResponse): void {
  const body =
    reply.body === undefined
      ? undefined
      : typeof reply.body === 'string'
        ? Buffer.from(reply.body, 'utf8')
        : reply.body;
  const headers: Record<string, string | readonly string[]> = { ...(reply.headers ?? {}) };
  if (body !== undefined && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-length')) {
    headers['content-length'] = String(body.length);
  }
  response.writeHead(reply.status, headers as Record<string, string | string[]>);
  response.end(body);
}

export type BodyRead = { ok: true; body: Buffer } | { ok: false; reason: 'TOO_LARGE' | 'ABORTED' };

/** Reads a request body up to `limit` bytes; over the limit, stops reading and says so. */
export function readBody(request: IncomingMessage, limit: number): Promise<BodyRead> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    request.resume();
    return Promise.resolve({ ok: false, reason: 'TOO_LARGE' });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: BodyRead) => {
      if (done) return;
      done = true;
      resolve(result);
    };
    request.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        request.resume();
        return finish({ ok: false, reason: 'TOO_LARGE' });
      }
      chunks.push(chunk);
    });
    request.on('end', () => finish({ ok: true, body: Buffer.concat(chunks) }));
    request.on('aborted', () => finish({ ok: false, reason: 'ABORTED' }));
    request.on('error', () => finish({ ok: false, reason: 'ABORTED' }));
  });
}

/** The first failure with one of `codes`, if any (to pick the legacy answer for a condition). */
export function failureWith(
  errors: readonly GraphFailure[],
  code: ErrorCode,
  reason?: string,
): GraphFailure | undefined {
  return errors.find((error) => error.code === code && (reason === undefined || error.reason === reason));
}

/** Turns the formatted GraphQL errors of an execution into GraphFailures. */
export function toGraphFailures(
  errors: readonly {
    message: string;
    path?: readonly (string | number)[];
    extensions?: Record<string, unknown>;
  }[],
): GraphFailure[] {
  return errors.map((error) => {
    const extensions = error.extensions ?? {};
    const code = isRegisteredCode(extensions.code) ? extensions.code : 'INTERNAL_SERVER_ERROR';
    return {
      message: error.message,
      code,
      ...(typeof extensions.reason === 'string' ? { reason: extensions.reason } : {}),
      ...(error.path ? { path: error.path } : {}),
      extensions,
    };
  });
}
