/**
 * The split gateway's transport to its subgraphs: JSON over HTTP(S) on kept-alive connections,
 * each request carrying the caller's principal signed for the subgraph and the request id.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { BackendError } from '../src/errors/index.js';
import type { SubgraphFetcher, SubgraphReply } from '../src/federation/index.js';
import { PRINCIPAL_HEADER, signPrincipal } from '../src/identity/index.js';
import type { RequestContext } from '../src/subgraphs/index.js';

export interface SubgraphClientOptions {
  /** Subgraph name → its GraphQL URL. */
  urls: Record<string, string>;
  secret: string;
  /** Largest answer taken from a subgraph. */
  maxResponseBytes: number;
  timeoutMs: number;
}

export interface SubgraphClient {
  fetch: SubgraphFetcher<RequestContext>;
  /** Closes the kept-alive connections. */
  close(): void;
}

export function createSubgraphClient(options: SubgraphClientOptions): SubgraphClient {
  const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  // Request options computed once: a URL object per request costs more than the request's headers.
  const targets = new Map(
    Object.entries(options.urls).map(([name, url]) => {
      const parsed = new URL(url);
      const secure = parsed.protocol === 'https:';
      return [
        name,
        {
          send: secure ? httpsRequest : httpRequest,
          agent: secure ? agents.https : agents.http,
          protocol: parsed.protocol,
          hostname: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
          port: parsed.port || (secure ? 443 : 80),
          path: parsed.pathname + parsed.search,
        },
      ];
    }),
  );
  const fetch: SubgraphFetcher<RequestContext> = (call, context) => {
    const target = targets.get(call.subgraph);
    if (!target) return Promise.reject(new Error(`no URL for subgraph ${call.subgraph}`));
    const body = JSON.stringify({ query: call.query, variables: call.variables });
    const headers = {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      accept: 'application/json',
      [PRINCIPAL_HEADER]: signPrincipal(context.principal, options.secret),
      'x-request-id': context.requestId,
    };
    const retryable = !call.query.startsWith('mutation');
    const attempt = (retried: boolean) =>
      new Promise<SubgraphReply>((resolve, reject) => {
        let answered = false;
        const request = target.send(
          {
            protocol: target.protocol,
            hostname: target.hostname,
            port: target.port,
            path: target.path,
            method: 'POST',
            agent: target.agent,
            timeout: options.timeoutMs,
            headers,
          },
          (response) => {
            answered = true;
            readReply(response, options.maxResponseBytes).then(resolve, reject);
          },
        );
        request.on('timeout', () => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
        request.on('error', (error: NodeJS.ErrnoException) => {
          // A kept-alive connection the subgraph closed as the request went out (its idle
          // timeout) resets before any answer: a query is sent once more on a new connection. A
          // mutation is not: the reset cannot tell whether it ran.
          if (!retried && retryable && !answered && request.reusedSocket && error.code === 'ECONNRESET')
            attempt(true).then(resolve, reject);
          else reject(error);
        });
        request.end(body);
      });
    return attempt(false);
  };
  return {
    fetch,
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

/** What a subgraph that cannot be asked becomes for the client. */
export function subgraphUnreachable(subgraph: string, cause: unknown): BackendError {
  return new BackendError(
    'BACKEND_UNAVAILABLE',
    `The ${subgraph} subgraph could not be reached`,
    { reason: 'SUBGRAPH_UNAVAILABLE', subgraph },
    String((cause as Error)?.message ?? cause),
  );
}

function readReply(response: IncomingMessage, limit: number): Promise<SubgraphReply> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        response.destroy(new Error(`answer larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    response.on('error', reject);
    response.on('end', () => {
      const text = Buffer.concat(chunks, size).toString('utf8');
      let reply: unknown;
      try {
        reply = JSON.parse(text);
      } catch {
        reject(
          new Error(
            `answered ${response.statusCode} with ${response.headers['content-type'] ?? 'no type'}, not JSON`,
          ),
        );
        return;
      }
      // A GraphQL answer: `data` and/or `errors` (Apollo answers 400 with errors for invalid documents).
      if (reply && typeof reply === 'object' && ('data' in reply || 'errors' in reply))
        resolve(reply as SubgraphReply);
      else reject(new Error(`answered ${response.statusCode} without data or errors`));
    });
  });
}
