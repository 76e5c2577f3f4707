/**
 * Every mutation is one transaction, and an acknowledged mutation is on disk: a failure halfway
 * leaves the store as it was, and a SIGKILL in the middle of a burst loses nothing acknowledged.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { ADMIN_TOKEN, postGraphQL, startTestServer, type TestServer } from '../support/cloudfed.js';
import { startCloudfedProcess } from '../support/processes.js';

/** Every row of every table, in a stable order: two dumps are equal when the stores are. */
function dump(path: string): Record<string, string[]> {
  const db = new Database(path, { readonly: true });
  try {
    const tables = db
      .prepare(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`,
      )
      .pluck()
      .all() as string[];
    return Object.fromEntries(
      tables.map((table) => [
        table,
        db
          .prepare(`SELECT * FROM "${table}"`)
          .all()
          .map((row) => JSON.stringify(row))
          .sort(),
      ]),
    );
  } finally {
    db.close();
  }
}

/** Runs `sql` on the store through a second connection, as a fault injector. */
function onStore(path: string, sql: string): void {
  const db = new Database(path);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

describe('a mutation that fails halfway leaves the store unchanged', () => {
  let directory: string;
  let storePath: string;
  let server: TestServer;

  before(async () => {
    directory = mkdtempSync(join(tmpdir(), 'cloudfed-durability-'));
    storePath = join(directory, 'cloudfed.db');
    server = await startTestServer({ storePath });
  });
  after(async () => {
    await server?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  const FAULTS = [
    {
      name: 'removeVm: its RBD volumes are deleted, then deleting the VM fails',
      trigger: `CREATE TRIGGER injected_fault BEFORE DELETE ON vms BEGIN SELECT RAISE(ABORT, 'injected fault'); END`,
      mutation: `mutation { removeVm(vm: "test1") { deletedVolumes } }`,
      afterwards: `{ virtualMachine(ref: "test1") { name } rbdVolume(pool: "vms", name: "test1_disk0") { id } }`,
      applied: { virtualMachine: null, rbdVolume: null },
    },
    {
      name: 'flushNode: the node is marked flushed, then moving its first VM fails',
      trigger: `CREATE TRIGGER injected_fault BEFORE UPDATE OF node ON vms BEGIN SELECT RAISE(ABORT, 'injected fault'); END`,
      mutation: `mutation { flushNode(node: "hv1") { domainState } }`,
      afterwards: `{ clusterNode(id: "hv1") { domainState vms { name } } }`,
      applied: { clusterNode: { domainState: 'FLUSHED', vms: [] } },
    },
  ];

  for (const fault of FAULTS) {
    test(fault.name, async () => {
      const before = dump(storePath);
      onStore(storePath, fault.trigger);
      let reply;
      try {
        reply = await server.graphql(fault.mutation);
      } finally {
        onStore(storePath, 'DROP TRIGGER injected_fault');
      }
      assert.ok(reply.errors?.length, 'the mutation reports its failure');
      assert.equal(reply.errors[0]!.extensions?.code, 'BACKEND_FAILED');
      assert.deepEqual(dump(storePath), before);
      // Without the fault the same mutation does change the store: the comparison above had something to see.
      const applied = await server.graphql(fault.mutation);
      assert.equal(applied.errors, undefined);
      const state = await server.graphql(fault.afterwards);
      assert.deepEqual(state.data, fault.applied);
    });
  }
});

describe('SIGKILL during a burst of mutations loses none that were acknowledged', () => {
  let directory: string;
  before(() => (directory = mkdtempSync(join(tmpdir(), 'cloudfed-crash-'))));
  after(() => rmSync(directory, { recursive: true, force: true }));

  test('every acknowledged volume is there after a restart', async () => {
    const env = { CLOUDFED_DB: join(directory, 'cloudfed.db'), CLOUDFED_ADMIN_TOKEN: ADMIN_TOKEN };
    const server = await startCloudfedProcess(['serve'], env);
    const acknowledged: string[] = [];
    let sent = 0;
    let interrupted = 0;
    let dead = false;
    // The workers keep sending until the process is gone, so the kill lands mid-burst.
    const worker = async () => {
      while (!dead) {
        const name = `burst${String(sent++).padStart(4, '0')}`;
        try {
          const reply = await postGraphQL(
            server.url,
            `mutation($name: String!) { addRbdVolume(pool: "vms", name: $name, size: "1G") { id } }`,
            { name },
          );
          if (!reply.errors) acknowledged.push(name);
        } catch {
          interrupted++; // the connection died with the process: not acknowledged
        }
        if (acknowledged.length >= 60 && server.child.exitCode === null && !server.child.killed)
          void server.kill().then(() => (dead = true));
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    assert.ok(interrupted > 0, 'the process died while requests were being sent');
    assert.ok(acknowledged.length >= 60);

    const restarted = await startCloudfedProcess(['serve'], env);
    try {
      const reply = await postGraphQL(
        restarted.url,
        `{ rbdVolumes(filter: { pool: "vms" }, first: 1000) { nodes { name } } }`,
      );
      assert.equal(reply.errors, undefined);
      const present = new Set(reply.data.rbdVolumes.nodes.map((volume: { name: string }) => volume.name));
      const lost = acknowledged.filter((name) => !present.has(name));
      assert.deepEqual(lost, [], `${lost.length} of ${acknowledged.length} acknowledged mutations lost`);
    } finally {
      await restarted.stop();
    }
    const db = new Database(env.CLOUDFED_DB, { readonly: true });
    try {
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    } finally {
      db.close();
    }
  });
});
