/**
 * Hive Gateway as a bench target, in its own process: `node --import tsx bench/hive-gateway.ts
 * SUPERGRAPH_FILE`. Query planning by the Hive Router planner (`@graphql-hive/router-runtime`);
 * the client's signed `x-cloudfed-principal` header is forwarded to every subgraph. Listens on
 * a free port of 127.0.0.1 and prints its URL.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayRuntime } from '@graphql-hive/gateway';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';

const PRINCIPAL_HEADER = 'x-cloudfed-principal';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: hive-gateway.ts SUPERGRAPH_FILE\n');
  process.exit(2);
}
const supergraphSdl = readFileSync(file, 'utf8');

const gateway = createGatewayRuntime({
  supergraph: () => supergraphSdl,
  unifiedGraphHandler,
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) => ({ [PRINCIPAL_HEADER]: request.headers.get(PRINCIPAL_HEADER) }),
  },
  graphqlEndpoint: '/graphql',
  healthCheckEndpoint: '/healthz',
  readinessCheckEndpoint: '/readyz',
  landingPage: false,
  graphiql: false,
  logging: 'error',
});

const server = createServer(gateway);
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`hive gateway is serving on http://127.0.0.1:${port}/graphql\n`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close();
    server.closeAllConnections();
    void Promise.resolve(gateway.dispose()).finally(() => process.exit(0));
  });
}
