import type {
  CommandOutcome,
  GlusterPeerRecord,
  NodeRecord,
  NodesSource,
} from '../../subgraphs/nodes/index.js';
import { BackendError, notFound } from '../../errors/index.js';
import type { Store } from './store.js';

interface NodeRow {
  name: string;
  roles: string;
  daemon_state: string;
  coordinator_state: string;
  domain_state: string;
  cpu_count: number;
  memory_total_mib: number;
  memory_used_mib: number;
  memory_free_mib: number;
  load: number;
  os: string;
  kernel: string;
  arch: string;
  address: string | null;
}

// Allocation is what the VMs placed on the node would use, running or not (as PVC counted it).
/** The states whose VMs hold their vCPUs and memory on the node. */
const ALLOCATING = `state NOT IN ('stop', 'shutdown', 'failed')`;

/**
 * The vCPUs and memory the VMs of the nodes one read returned hold, summed for all of them in one
 * query the first time a record needs them: most node lists (a VM's node on a dashboard) never do.
 */
class Allocations {
  private sums: Map<string, { vcpus: number; memoryMiB: number }> | undefined;

  constructor(
    private readonly store: Store,
    private readonly names: readonly string[],
  ) {}

  of(name: string): { vcpus: number; memoryMiB: number } {
    this.sums ??= new Map(
      (
        this.store.db
          .prepare(
            `SELECT node, SUM(vcpus) AS vcpus, SUM(memory_mib) AS memoryMiB FROM vms
             WHERE node IN (SELECT value FROM json_each(?)) AND ${ALLOCATING} GROUP BY node`,
          )
          .all(JSON.stringify(this.names)) as { node: string; vcpus: number; memoryMiB: number }[]
      ).map((row) => [row.node, row]),
    );
    return this.sums.get(name) ?? { vcpus: 0, memoryMiB: 0 };
  }
}

function toRecord(row: NodeRow, allocations: Allocations): NodeRecord {
  return {
    name: row.name,
    roles: JSON.parse(row.roles),
    daemonState: row.daemon_state as NodeRecord['daemonState'],
    coordinatorState: row.coordinator_state as NodeRecord['coordinatorState'],
    domainState: row.domain_state as NodeRecord['domainState'],
    cpuCount: row.cpu_count,
    get vcpuAllocated() {
      return allocations.of(row.name).vcpus;
    },
    memory: {
      totalMiB: row.memory_total_mib,
      usedMiB: row.memory_used_mib,
      freeMiB: row.memory_free_mib,
      get allocatedMiB() {
        return allocations.of(row.name).memoryMiB;
      },
    },
    load: row.load,
    os: row.os,
    kernel: row.kernel,
    arch: row.arch,
    address: row.address,
  };
}

/** Nodes and Gluster peers kept in the embedded store. */
export class EmbeddedNodes implements NodesSource {
  constructor(private readonly store: Store) {}

  private records(rows: readonly NodeRow[]): NodeRecord[] {
    const allocations = new Allocations(
      this.store,
      rows.map((row) => row.name),
    );
    return rows.map((row) => toRecord(row, allocations));
  }

  async listNodes(): Promise<NodeRecord[]> {
    const rows = this.store.db.prepare(`SELECT * FROM nodes ORDER BY name`).all() as NodeRow[];
    return this.records(rows);
  }

  async getNodes(names: readonly string[]): Promise<NodeRecord[]> {
    if (names.length === 0) return [];
    const rows = this.store.db
      .prepare(`SELECT * FROM nodes WHERE name IN (SELECT value FROM json_each(?))`)
      .all(JSON.stringify(names)) as NodeRow[];
    return this.records(rows);
  }

  async setCoordinatorState(name: string, state: 'primary' | 'secondary'): Promise<void> {
    this.store.transaction(() => {
      // A cluster has one primary coordinator: promoting one demotes the others.
      if (state === 'primary') {
        this.store.db
          .prepare(
            `UPDATE nodes SET coordinator_state = 'secondary' WHERE coordinator_state = 'primary' AND name <> ?`,
          )
          .run(name);
      }
      this.store.db.prepare('UPDATE nodes SET coordinator_state = ? WHERE name = ?').run(state, name);
    });
  }

  async listGlusterPeers(): Promise<GlusterPeerRecord[]> {
    const rows = this.store.db
      .prepare('SELECT * FROM gluster_peers ORDER BY is_self DESC, hostname')
      .all() as { uuid: string; hostname: string; connected: number; state: string; is_self: number }[];
    return rows.map((row) => ({
      uuid: row.uuid,
      hostname: row.hostname,
      connected: row.connected === 1,
      state: row.state,
      isSelf: row.is_self === 1,
    }));
  }

  async probeGlusterPeer(hostname: string): Promise<CommandOutcome> {
    // The embedded pool has no network: a probe of a host that is not a known node fails as glusterd would.
    return this.store.transaction(() => {
      const existing = this.store.db
        .prepare('SELECT uuid FROM gluster_peers WHERE hostname = ?')
        .get(hostname);
      if (existing) return { output: null };
      const node = this.store.db
        .prepare('SELECT name FROM nodes WHERE name = ? OR address = ?')
        .get(hostname, hostname);
      if (!node) {
        const message = `peer probe: failed: Probe returned with Transport endpoint is not connected`;
        throw new BackendError('BACKEND_FAILED', message, {
          reason: 'COMMAND_FAILED',
          exitCode: 1,
          commandError: message,
          hostname,
        });
      }
      this.store.db
        .prepare(
          `INSERT INTO gluster_peers (uuid, hostname, connected, state, is_self) VALUES (?, ?, 1, 'Peer in Cluster', 0)`,
        )
        .run(crypto.randomUUID(), hostname);
      return { output: null };
    });
  }

  async detachGlusterPeer(hostname: string, _force: boolean): Promise<CommandOutcome> {
    return this.store.transaction(() => {
      const result = this.store.db
        .prepare('DELETE FROM gluster_peers WHERE hostname = ? AND is_self = 0')
        .run(hostname);
      if (result.changes === 0) {
        throw notFound(`${hostname} is not part of cluster`, { reason: 'PEER_NOT_FOUND', hostname });
      }
      return { output: null };
    });
  }
}
