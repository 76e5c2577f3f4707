/**
 * One measurement: a fixed number of keep-alive connections POST one GraphQL document for a fixed
 * time (after a warm-up whose numbers are thrown away), with autocannon. Successive requests take
 * the next of the given variable sets, so concurrent requests differ.
 */
import autocannon from 'autocannon';
import type { Document, Variables } from './queries.js';

export interface LoadOptions {
  connections: number;
  /** Measured seconds. */
  duration: number;
  /** Seconds of load before the measurement, not counted. */
  warmup: number;
}

export interface Measurement {
  requests: number;
  /** Requests per second over the measured time. */
  rps: number;
  p50: number;
  p99: number;
  /** Connection errors, timeouts and non-2xx answers during the measured time. */
  failures: number;
  /** CPU milliseconds the target's processes spend per request, one request at a time (NaN when not sampled). */
  cpuMsPerRequest: number;
}

export async function measure(
  url: string,
  text: string,
  variants: readonly Variables[],
  headers: () => Record<string, string>,
  options: LoadOptions,
  /** CPU seconds used so far by every process serving the target. */
  cpuSeconds?: () => number,
): Promise<Measurement> {
  const bodies = variants.map((variables) => JSON.stringify({ query: text, variables }));
  let next = 0;
  const run = (duration: number) =>
    autocannon({
      url,
      // Signed headers are made fresh for every segment, so they are never stale.
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers() },
      requests: [
        {
          method: 'POST',
          setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length]! }),
        },
      ],
      connections: options.connections,
      duration,
      timeout: 60,
    });
  if (options.warmup > 0) await run(options.warmup);
  const result = await run(options.duration);
  return {
    requests: result.requests.total,
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failures: result.errors + result.non2xx,
    cpuMsPerRequest: cpuSeconds
      ? await cpuPerRequest(url, bodies, headers, result.requests.total, cpuSeconds)
      : NaN,
  };
}

/**
 * CPU milliseconds per request, from requests sent one at a time so that every request counted
 * has finished and no unfinished one is counted (a timed run ends with requests in flight, whose
 * work would be charged to the finished ones).
 */
async function cpuPerRequest(
  url: string,
  bodies: readonly string[],
  headers: () => Record<string, string>,
  measuredRequests: number,
  cpuSeconds: () => number,
): Promise<number> {
  const amount = Math.min(100, Math.max(10, Math.round(measuredRequests / 4)));
  let next = 0;
  const before = cpuSeconds();
  const result = await autocannon({
    url,
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers() },
    requests: [
      { method: 'POST', setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length]! }) },
    ],
    connections: 1,
    amount,
    timeout: 60,
  });
  const used = cpuSeconds() - before;
  return result.requests.total > 0 ? (used * 1000) / result.requests.total : NaN;
}

/** One request, for checking an answer before and after measuring it. */
export async function ask(
  url: string,
  document: Document,
  headers: Record<string, string>,
): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify({ query: document.text, variables: document.variables }),
    signal: AbortSignal.timeout(120_000),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`HTTP ${response.status}, not JSON: ${text.slice(0, 500)}`);
  }
  if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${text.slice(0, 800)}`);
  return body;
}
