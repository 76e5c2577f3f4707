/** Starts real cloudfed servers on port 0 for tests, with helpers to call them. */
import { parseConfig, type ConfigInput } from '../../src/config/index.js';
import { openBackends, type Backends } from '../../src/drivers/index.js';
import { buildCloudfed, memoryLogger, type Cloudfed } from '../../gateway/index.js';
import { prepareStore } from '../../gateway/setup.js';
import type { CloudSources } from '../../src/subgraphs/index.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export interface TestServer {
  url: string;
  app: Cloudfed;
  backends: Backends;
  logLines: string[];
  graphql<T = any>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string | null,
  ): Promise<GraphQLReply<T>>;
  close(): Promise<void>;
}

export interface GraphQLReply<T> {
  status: number;
  data: T | null | undefined;
  errors: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[] | undefined;
  headers: Headers;
}

export interface StartOptions {
  /** Seed the demo datacenter (default true). */
  demo?: boolean;
  /** A datacenter description (YAML/JSON text) to import after seeding. */
  importText?: string;
  /** SQLite path; an in-memory store by default. */
  storePath?: string;
  config?: ConfigInput;
  /** Wraps the backends' sources (to count or fail source calls) before the server is built. */
  wrapSources?: (sources: CloudSources) => CloudSources;
}

export async function startTestServer(options: StartOptions = {}): Promise<TestServer> {
  const config = parseConfig({
    ...options.config,
    store: { path: options.storePath ?? ':memory:', demo: options.demo ?? true },
    identity: { adminToken: ADMIN_TOKEN },
  });
  const opened = openBackends(config);
  // As an operator would: import into an empty store before the first start, or on top of the demo.
  const importText = (text: string) => opened.embedded!.importText(text, 'test description');
  if (options.importText && !config.store.demo) importText(options.importText);
  await prepareStore(config, opened, process.cwd());
  if (options.importText && config.store.demo) importText(options.importText);
  const backends: Backends = options.wrapSources
    ? { ...opened, sources: options.wrapSources(opened.sources) }
    : opened;
  const log = memoryLogger();
  const app = await buildCloudfed(config, { backends, log });
  const url = await app.listen(0, '127.0.0.1');
  return {
    url,
    app,
    backends,
    logLines: log.lines,
    graphql: (query, variables, token = ADMIN_TOKEN) => postGraphQL(url, query, variables, token),
    async close() {
      await app.close();
      backends.close();
    },
  };
}

export async function postGraphQL<T = any>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  token: string | null = ADMIN_TOKEN,
): Promise<GraphQLReply<T>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  let body: { data?: T | null; errors?: GraphQLReply<T>['errors'] };
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`Not JSON (${response.status}): ${text.slice(0, 300)}`);
  }
  return { status: response.status, data: body.data, errors: body.errors, headers: response.headers };
}
