/**
 * What the nodes subgraph needs from a backend. Drivers implement it; the subgraph never knows
 * which one it talks to. Every method that takes keys takes many at once (for batching).
 */

export type NodeRole = 'hypervisor' | 'storage' | 'coordinator';
export type NodeDaemonState = 'run' | 'stop' | 'init' | 'shutdown' | 'dead';
export type NodeCoordinatorState = 'primary' | 'secondary' | 'client';
export type NodeDomainState = 'ready' | 'flush' | 'flushed' | 'unflush';

export interface NodeRecord {
  name: string;
  roles: NodeRole[];
  daemonState: NodeDaemonState;
  coordinatorState: NodeCoordinatorState;
  domainState: NodeDomainState;
  cpuCount: number;
  /** vCPUs of the VMs placed on the node. */
  vcpuAllocated: number;
  memory: { totalMiB: number; usedMiB: number; freeMiB: number; allocatedMiB: number };
  load: number;
  os: string;
  kernel: string;
  arch: string;
  /** Management address (IP or DNS name), when known. */
  address: string | null;
}

export interface GlusterPeerRecord {
  uuid: string;
  hostname: string;
  connected: boolean;
  /** The backend's state text, e.g. `Peer in Cluster (Connected)`. */
  state: string;
  /** The node answering for the pool (listed as `localhost` by Gluster). */
  isSelf: boolean;
}

/** Output of a management command, for clients that show it (null when the backend prints none). */
export interface CommandOutcome {
  output: string | null;
}

export interface NodesSource {
  /** Every node, ordered by name. */
  listNodes(): Promise<NodeRecord[]>;
  /** The nodes with these names, in any order; unknown names are left out. */
  getNodes(names: readonly string[]): Promise<NodeRecord[]>;
  /** Stores a coordinator's router mode. The subgraph has checked the preconditions. */
  setCoordinatorState(name: string, state: 'primary' | 'secondary'): Promise<void>;
  /** The trusted storage pool's peers, the answering node first. */
  listGlusterPeers(): Promise<GlusterPeerRecord[]>;
  /** Adds a peer to the pool; fails with a BackendError carrying the backend's message. */
  probeGlusterPeer(hostname: string): Promise<CommandOutcome>;
  /** Removes a peer from the pool. */
  detachGlusterPeer(hostname: string, force: boolean): Promise<CommandOutcome>;
}
