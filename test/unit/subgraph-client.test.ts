/**
 * The split gateway's transport: a kept-alive connection the subgraph drops as a request goes out
 * (its idle timeout racing the request) is retried once for queries, never for mutations.
 */
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createSubgraphClient } from '../../gateway/subgraph-client.js';
import { SYSTEM } from '../../src/identity/index.js';

const REPLY = JSON.stringify({ data: { ok: true } });

/**
 * A subgraph that answers the first request of every connection and keeps it alive, then resets
 * the connection when a second request arrives on it: what an idle-timeout close looks like to a
 * client that sent just as the subgraph closed.
 */
function startFlakySubgraph(): Promise<{ server: Server; url: string; requests: () => number }> {
  let requests = 0;
  const server = createServer((socket: Socket) => {
    let served = false;
    let buffer = '';
    socket.on('data', (chunk) => {
      if (served) {
        socket.resetAndDestroy();
        return;
      }
      buffer += chunk.toString('latin1');
      const head = buffer.indexOf('\r\n\r\n');
      if (head < 0) return;
      const length = Number(/content-length: (\d+)/i.exec(buffer.slice(0, head))?.[1] ?? 0);
      if (buffer.length < head + 4 + length) return;
      served = true;
      requests++;
      socket.write(
        `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${REPLY.length}\r\nconnection: keep-alive\r\n\r\n${REPLY}`,
      );
    });
    socket.on('error', () => {});
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        server,
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
        requests: () => requests,
      }),
    ),
  );
}

describe('subgraph client', () => {
  let subgraph: Awaited<ReturnType<typeof startFlakySubgraph>>;
  before(async () => {
    subgraph = await startFlakySubgraph();
  });
  after(() => subgraph.server.close());

  const context = { principal: SYSTEM, requestId: 'test' } as never;
  const clients: ReturnType<typeof createSubgraphClient>[] = [];
  after(() => clients.forEach((client) => client.close()));
  const fetcherFor = () => {
    const client = createSubgraphClient({
      urls: { vms: subgraph.url },
      secret: 's'.repeat(40),
      maxResponseBytes: 1024,
      timeoutMs: 5_000,
    });
    clients.push(client);
    return client.fetch;
  };

  test('a query sent on a connection the subgraph resets is sent again on a new one', async () => {
    const fetch = fetcherFor();
    const call = { subgraph: 'vms', query: '{ ok }', variables: {} };
    assert.deepEqual(await fetch(call, context), { data: { ok: true } });
    const before = subgraph.requests();
    // Reuses the kept-alive connection, which the subgraph resets; answered on a new connection.
    assert.deepEqual(await fetch(call, context), { data: { ok: true } });
    assert.equal(subgraph.requests(), before + 1);
  });

  test('a mutation is not sent again: the reset cannot tell whether it ran', async () => {
    const fetch = fetcherFor();
    assert.deepEqual(await fetch({ subgraph: 'vms', query: '{ ok }', variables: {} }, context), {
      data: { ok: true },
    });
    await assert.rejects(
      fetch({ subgraph: 'vms', query: 'mutation { stopVm(vm: "x") { id } }', variables: {} }, context),
      (error: NodeJS.ErrnoException) => error.code === 'ECONNRESET',
    );
  });
});
