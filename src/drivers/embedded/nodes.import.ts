/**
 * Sections `nodes` and `glusterPeers` of a datacenter description:
 *
 * ```yaml
 * nodes:
 *   - name: hv1                     # required; letters, digits, . _ -
 *     roles: [hypervisor, storage]  # default [hypervisor]; also coordinator
 *     daemonState: run              # run | stop | init | shutdown | dead (default run)
 *     coordinatorState: primary     # primary | secondary | client (default client)
 *     domainState: ready            # ready | flush | flushed | unflush (default ready)
 *     cpuCount: 16
 *     memory: { totalMiB: 64411, usedMiB: 20110, freeMiB: 44301 }
 *     load: 0.42
 *     os: GNU/Linux
 *     kernel: 4.9.0-9-amd64
 *     arch: x86_64
 *     address: 10.0.0.11            # optional
 * glusterPeers:
 *   - hostname: hv1
 *     uuid: 5d1a9ad3-3b5a-4a7e-9a4c-0f3f1f6f8d11
 *     connected: true               # default true
 *     self: true                    # the node answering for the pool (exactly one)
 * ```
 */
import { z } from 'zod';
import { DatacenterImportError } from './import-error.js';
import type { Store } from './store.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

const NodeSchema = z.strictObject({
  name: z.string().regex(NAME, 'letters, digits, ".", "_" or "-", starting with a letter or digit'),
  roles: z.array(z.enum(['hypervisor', 'storage', 'coordinator'])).default(['hypervisor']),
  daemonState: z.enum(['run', 'stop', 'init', 'shutdown', 'dead']).default('run'),
  coordinatorState: z.enum(['primary', 'secondary', 'client']).default('client'),
  domainState: z.enum(['ready', 'flush', 'flushed', 'unflush']).default('ready'),
  cpuCount: z.number().int().min(0).default(0),
  memory: z
    .strictObject({
      totalMiB: z.number().int().min(0).default(0),
      usedMiB: z.number().int().min(0).default(0),
      freeMiB: z.number().int().min(0).default(0),
    })
    .prefault({}),
  load: z.number().min(0).default(0),
  os: z.string().default('GNU/Linux'),
  kernel: z.string().default(''),
  arch: z.string().default('x86_64'),
  address: z.string().min(1).optional(),
});

const PeerSchema = z.strictObject({
  hostname: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.:-]{0,252}$/),
  uuid: z.uuid(),
  connected: z.boolean().default(true),
  self: z.boolean().default(false),
});

const SectionsSchema = z.object({
  nodes: z.array(NodeSchema).default([]),
  glusterPeers: z.array(PeerSchema).default([]),
});

export function importNodes(store: Store, data: unknown): void {
  const parsed = SectionsSchema.safeParse(data);
  if (!parsed.success) throw DatacenterImportError.fromZod(parsed.error);
  const { nodes, glusterPeers } = parsed.data;
  const insertNode = store.db.prepare(
    `INSERT INTO nodes (name, roles, daemon_state, coordinator_state, domain_state, cpu_count,
       memory_total_mib, memory_used_mib, memory_free_mib, load, os, kernel, arch, address)
     VALUES (@name, @roles, @daemonState, @coordinatorState, @domainState, @cpuCount,
       @totalMiB, @usedMiB, @freeMiB, @load, @os, @kernel, @arch, @address)`,
  );
  const insertPeer = store.db.prepare(
    'INSERT INTO gluster_peers (uuid, hostname, connected, state, is_self) VALUES (?, ?, ?, ?, ?)',
  );
  store.transaction(() => {
    nodes.forEach((node, index) => {
      const exists = store.db.prepare('SELECT 1 FROM nodes WHERE name = ?').get(node.name);
      if (exists) throw new DatacenterImportError(`nodes[${index}].name: node "${node.name}" already exists`);
      insertNode.run({
        ...node,
        ...node.memory,
        roles: JSON.stringify(node.roles),
        address: node.address ?? null,
      });
    });
    glusterPeers.forEach((peer) => {
      insertPeer.run(
        peer.uuid,
        peer.hostname,
        peer.connected ? 1 : 0,
        peer.connected ? 'Peer in Cluster' : 'Peer in Cluster (Disconnected)',
        peer.self ? 1 : 0,
      );
    });
  });
}
