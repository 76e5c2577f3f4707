import type {
  DefineResult,
  DomainDefinition,
  NewVm,
  PlacementCandidate,
  UpdateDefinitionResult,
  VmChange,
  VmDeletion,
  VmExpectation,
  VmGroupRecord,
  VmMacMappingRecord,
  VmMove,
  VmPage,
  VmPageQuery,
  VmPoolMemberRecord,
  VmPoolRecord,
  VmProfilePatch,
  VmRecord,
  VmsSource,
  VmStateName,
  VmUserRecord,
} from '../../subgraphs/vms/index.js';
import { BackendError, CloudfedError } from '../../errors/index.js';
import type { Store } from './store.js';

interface VmRow {
  uuid: string;
  name: string;
  node: string | null;
  last_node: string | null;
  state: string;
  failed_reason: string;
  vcpus: number;
  memory_mib: number;
  xml: string;
  definition: string;
  kind: string;
  subtype: string | null;
  os: string | null;
  pool_id: string | null;
  owner_id: string | null;
}

interface PoolRow {
  id: string;
  name: string;
  kind: string;
  subtype: string | null;
  os: string | null;
  description: string | null;
}

/**
 * The columns of a VM record read with every list. The libvirt XML and its parsed definition are
 * large and most queries (a dashboard page, an export of names and states) never read them.
 */
const RECORD_COLUMNS =
  'uuid, name, node, last_node, state, failed_reason, vcpus, memory_mib, kind, subtype, os, pool_id, owner_id';

type LargeColumn = 'xml' | 'definition';

/**
 * The large columns of the VMs one read returned, fetched for all of them together the first
 * time one record needs them: one query per column per list, not one per VM.
 */
class LargeColumns {
  private readonly loaded = new Map<LargeColumn, Map<string, string>>();

  constructor(
    private readonly store: Store,
    private readonly uuids: readonly string[],
  ) {}

  get(uuid: string, column: LargeColumn): string {
    let values = this.loaded.get(column);
    if (!values) {
      const rows = this.store.db
        .prepare(`SELECT uuid, ${column} AS value FROM vms WHERE uuid IN (SELECT value FROM json_each(?))`)
        .all(JSON.stringify(this.uuids)) as { uuid: string; value: string }[];
      values = new Map(rows.map((row) => [row.uuid, row.value]));
      this.loaded.set(column, values);
    }
    const value = values.get(uuid);
    if (value === undefined) throw new CloudfedError('NOT_FOUND', `VM ${uuid} was removed meanwhile`);
    return value;
  }
}

/**
 * Parsed definitions by their stored text: listing 1,000 VMs then parses only what changed. The
 * objects are frozen, since every record of that text shares them.
 */
const parsedDefinitions = new Map<string, DomainDefinition>();
const PARSED_DEFINITIONS_KEPT = 20_000;

function parseDefinition(text: string): DomainDefinition {
  let definition = parsedDefinitions.get(text);
  if (!definition) {
    definition = deepFreeze(JSON.parse(text) as DomainDefinition);
    if (parsedDefinitions.size >= PARSED_DEFINITIONS_KEPT) parsedDefinitions.clear();
    parsedDefinitions.set(text, definition);
  }
  return definition;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

function toRecord(row: Omit<VmRow, LargeColumn>, large: LargeColumns): VmRecord {
  return {
    uuid: row.uuid,
    name: row.name,
    node: row.node,
    lastNode: row.last_node,
    state: row.state,
    failedReason: row.failed_reason,
    vcpus: row.vcpus,
    memoryMiB: row.memory_mib,
    get xml() {
      return large.get(row.uuid, 'xml');
    },
    get definition() {
      return parseDefinition(large.get(row.uuid, 'definition'));
    },
    kind: row.kind as VmRecord['kind'],
    subtype: row.subtype,
    os: row.os,
    poolId: row.pool_id,
    ownerId: row.owner_id,
  };
}

function toPool(row: PoolRow): VmPoolRecord {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as VmPoolRecord['kind'],
    subtype: row.subtype,
    os: row.os,
    description: row.description,
  };
}

/**
 * The embedded store has no hypervisor: a requested transition is recorded as the state it
 * settles in (a restart runs again, a shutdown ends stopped, a migration of a running VM ends
 * running on the target).
 */
function settled(state: VmStateName): VmStateName {
  switch (state) {
    case 'restart':
    case 'migrate':
    case 'unmigrate':
      return 'start';
    case 'shutdown':
      return 'stop';
    default:
      return state;
  }
}

const keys = (values: readonly string[]) => JSON.stringify(values);

/** Writes a VM's disks and NICs (replacing any) from its definition. */
export function writeVmDevices(store: Store, uuid: string, definition: DomainDefinition): void {
  const db = store.db;
  db.prepare('DELETE FROM vm_disks WHERE vm_uuid = ?').run(uuid);
  db.prepare('DELETE FROM vm_nics WHERE vm_uuid = ?').run(uuid);
  const disk = db.prepare(
    'INSERT INTO vm_disks (vm_uuid, position, type, name, dev, bus) VALUES (?, ?, ?, ?, ?, ?)',
  );
  definition.disks.forEach((d, position) => disk.run(uuid, position, d.type, d.name, d.dev, d.bus));
  const nic = db.prepare(
    'INSERT INTO vm_nics (vm_uuid, position, type, mac, source, model) VALUES (?, ?, ?, ?, ?, ?)',
  );
  definition.nics.forEach((n, position) => nic.run(uuid, position, n.type, n.mac, n.source, n.model));
}

/** Inserts a VM row with its devices; the caller runs it inside a transaction. */
export function insertVm(store: Store, vm: NewVm, lastNode: string | null = null): void {
  const d = vm.definition;
  store.db
    .prepare(
      `INSERT INTO vms (uuid, name, node, last_node, state, vcpus, memory_mib, xml, definition, kind, subtype, os, pool_id, owner_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      d.uuid,
      d.name,
      vm.node,
      lastNode,
      vm.state,
      d.vcpus,
      d.memory.mib,
      vm.xml,
      JSON.stringify(d),
      vm.kind,
      vm.subtype,
      vm.os,
      vm.poolId,
      vm.ownerId,
    );
  writeVmDevices(store, d.uuid, d);
}

/** VMs, pools, assignments and MAC mappings kept in the embedded store. */
export class EmbeddedVms implements VmsSource {
  constructor(private readonly store: Store) {}

  /** One transaction; a store failure (constraint, trigger, I/O) becomes a BackendError and rolls back. */
  private tx<T>(work: () => T): T {
    try {
      return this.store.transaction(work);
    } catch (error) {
      if (error instanceof CloudfedError) throw error;
      throw new BackendError(
        'BACKEND_FAILED',
        'The store could not apply the change',
        { reason: 'STORE_FAILED' },
        String(error),
      );
    }
  }

  private vms(where: string, ...params: unknown[]): VmRecord[] {
    const rows = this.store.db.prepare(`SELECT ${RECORD_COLUMNS} FROM vms ${where}`).all(...params) as Omit<
      VmRow,
      LargeColumn
    >[];
    const large = new LargeColumns(
      this.store,
      rows.map((row) => row.uuid),
    );
    return rows.map((row) => toRecord(row, large));
  }

  async listVms(): Promise<VmRecord[]> {
    return this.vms('ORDER BY name');
  }

  async pageVms(query: VmPageQuery): Promise<VmPage | null> {
    const conditions: string[] = [];
    const params: string[] = [];
    const onNode = query.nodes?.length ? 'node IN (SELECT value FROM json_each(?))' : null;
    const inState = query.states?.length ? 'state IN (SELECT value FROM json_each(?))' : null;
    if (onNode && inState && query.nodeOrState) {
      conditions.push(`(${onNode} OR ${inState})`);
      params.push(keys(query.nodes!), keys(query.states!));
    } else {
      if (onNode) (conditions.push(onNode), params.push(keys(query.nodes!)));
      if (inState) (conditions.push(inState), params.push(keys(query.states!)));
    }
    if (query.kinds?.length)
      (conditions.push('kind IN (SELECT value FROM json_each(?))'), params.push(keys(query.kinds)));
    const filtered = (extra: string[]) => {
      const all = [...conditions, ...extra];
      return all.length ? `WHERE ${all.join(' AND ')}` : '';
    };
    // One read transaction: the count, the cursor and the page see the same list.
    return this.store.db.transaction((): VmPage | null => {
      const { total } = this.store.db
        .prepare(`SELECT COUNT(*) AS total FROM vms ${filtered([])}`)
        .get(...params) as { total: number };
      let after: string[] = [];
      let afterParams: string[] = [];
      if (query.afterUuid !== null) {
        const cursor = this.store.db
          .prepare(`SELECT name FROM vms ${filtered(['uuid = ?'])}`)
          .get(...params, query.afterUuid) as { name: string } | undefined;
        if (!cursor) return null;
        after = ['name > ?'];
        afterParams = [cursor.name];
      }
      const rows = this.vms(
        `${filtered(after)} ORDER BY name LIMIT ?`,
        ...params,
        ...afterParams,
        query.limit + 1,
      );
      return { vms: rows.slice(0, query.limit), totalCount: total, hasNextPage: rows.length > query.limit };
    })();
  }

  async getVms(uuids: readonly string[]): Promise<VmRecord[]> {
    if (uuids.length === 0) return [];
    return this.vms('WHERE uuid IN (SELECT value FROM json_each(?))', keys(uuids));
  }

  async getVmsByName(names: readonly string[]): Promise<VmRecord[]> {
    if (names.length === 0) return [];
    return this.vms('WHERE name IN (SELECT value FROM json_each(?))', keys(names));
  }

  async vmsOnNodes(nodes: readonly string[]): Promise<VmRecord[]> {
    if (nodes.length === 0) return [];
    return this.vms('WHERE node IN (SELECT value FROM json_each(?)) ORDER BY name', keys(nodes));
  }

  async vmsOfPools(poolIds: readonly string[]): Promise<VmRecord[]> {
    if (poolIds.length === 0) return [];
    return this.vms('WHERE pool_id IN (SELECT value FROM json_each(?)) ORDER BY name', keys(poolIds));
  }

  async usersOfVms(uuids: readonly string[]): Promise<VmUserRecord[]> {
    if (uuids.length === 0) return [];
    return this.store.db
      .prepare(
        'SELECT vm_uuid AS vmUuid, user_id AS userId FROM vm_users WHERE vm_uuid IN (SELECT value FROM json_each(?)) ORDER BY user_id',
      )
      .all(keys(uuids)) as VmUserRecord[];
  }

  async groupsOfVms(uuids: readonly string[]): Promise<VmGroupRecord[]> {
    if (uuids.length === 0) return [];
    return this.store.db
      .prepare(
        'SELECT vm_uuid AS vmUuid, group_name AS "group" FROM vm_groups WHERE vm_uuid IN (SELECT value FROM json_each(?)) ORDER BY group_name',
      )
      .all(keys(uuids)) as VmGroupRecord[];
  }

  async vmsOfUsers(userIds: readonly string[]): Promise<{ userId: string; vm: VmRecord }[]> {
    if (userIds.length === 0) return [];
    const rows = this.store.db
      .prepare(
        `SELECT u.user_id AS link_user, ${RECORD_COLUMNS.split(',')
          .map((column) => `v.${column.trim()}`)
          .join(', ')} FROM (
           SELECT owner_id AS user_id, uuid AS vm_uuid FROM vms WHERE owner_id IN (SELECT value FROM json_each(?))
           UNION
           SELECT user_id, vm_uuid FROM vm_users WHERE user_id IN (SELECT value FROM json_each(?))
         ) u JOIN vms v ON v.uuid = u.vm_uuid ORDER BY v.name`,
      )
      .all(keys(userIds), keys(userIds)) as (Omit<VmRow, LargeColumn> & { link_user: string })[];
    const large = new LargeColumns(
      this.store,
      rows.map((row) => row.uuid),
    );
    return rows.map((row) => ({ userId: row.link_user, vm: toRecord(row, large) }));
  }

  async existingNodes(names: readonly string[]): Promise<string[]> {
    if (names.length === 0) return [];
    const rows = this.store.db
      .prepare('SELECT name FROM nodes WHERE name IN (SELECT value FROM json_each(?))')
      .all(keys(names)) as { name: string }[];
    return rows.map((row) => row.name);
  }

  async placementCandidates(): Promise<PlacementCandidate[]> {
    // Allocation counts the VMs that hold resources, as the nodes domain does.
    return this.store.db
      .prepare(
        `SELECT n.name, n.daemon_state AS daemonState, n.domain_state AS domainState, n.load,
           COALESCE(SUM(v.memory_mib), 0) AS memoryAllocatedMiB,
           COALESCE(SUM(v.vcpus), 0) AS vcpusAllocated,
           COUNT(v.uuid) AS vmCount
         FROM nodes n
         LEFT JOIN vms v ON v.node = n.name AND v.state NOT IN ('stop', 'shutdown', 'failed')
         GROUP BY n.name ORDER BY n.name`,
      )
      .all() as PlacementCandidate[];
  }

  async defineVm(vm: NewVm): Promise<DefineResult> {
    return this.tx(() => {
      const db = this.store.db;
      if (db.prepare('SELECT 1 FROM vms WHERE uuid = ?').get(vm.definition.uuid)) return 'uuid-exists';
      if (db.prepare('SELECT 1 FROM vms WHERE name = ?').get(vm.definition.name)) return 'name-exists';
      insertVm(this.store, vm);
      return 'created';
    });
  }

  async updateVmDefinition(
    uuid: string,
    definition: DomainDefinition,
    xml: string,
  ): Promise<UpdateDefinitionResult> {
    return this.tx(() => {
      const db = this.store.db;
      if (!db.prepare('SELECT 1 FROM vms WHERE uuid = ?').get(uuid)) return 'not-found';
      if (db.prepare('SELECT 1 FROM vms WHERE name = ? AND uuid <> ?').get(definition.name, uuid))
        return 'name-exists';
      db.prepare(
        'UPDATE vms SET name = ?, vcpus = ?, memory_mib = ?, xml = ?, definition = ? WHERE uuid = ?',
      ).run(definition.name, definition.vcpus, definition.memory.mib, xml, JSON.stringify(definition), uuid);
      writeVmDevices(this.store, uuid, definition);
      return 'updated';
    });
  }

  async changeVm(uuid: string, expected: VmExpectation, change: VmChange): Promise<boolean> {
    return this.tx(() => {
      const db = this.store.db;
      const row = db.prepare('SELECT node, last_node, state FROM vms WHERE uuid = ?').get(uuid) as
        { node: string | null; last_node: string | null; state: string } | undefined;
      if (
        !row ||
        row.node !== expected.node ||
        row.last_node !== expected.lastNode ||
        row.state !== expected.state
      ) {
        return false;
      }
      db.prepare(
        `UPDATE vms SET node = ?, last_node = ?, state = ?, failed_reason = CASE WHEN ? = 'failed' THEN failed_reason ELSE '' END WHERE uuid = ?`,
      ).run(
        change.node !== undefined ? change.node : row.node,
        change.lastNode !== undefined ? change.lastNode : row.last_node,
        change.state ? settled(change.state) : row.state,
        change.state ? settled(change.state) : row.state,
        uuid,
      );
      return true;
    });
  }

  async deleteVm(uuid: string, withVolumes: boolean): Promise<VmDeletion | null> {
    return this.tx(() => {
      const db = this.store.db;
      if (!db.prepare('SELECT 1 FROM vms WHERE uuid = ?').get(uuid)) return null;
      const rbdDisks = (
        db
          .prepare(
            `SELECT name FROM vm_disks WHERE vm_uuid = ? AND type = 'rbd' AND name IS NOT NULL ORDER BY position`,
          )
          .all(uuid) as { name: string }[]
      ).map((row) => row.name);
      let deletedVolumes: string[] = [];
      if (withVolumes && rbdDisks.length > 0) {
        // Same store, same transaction: the VM and its disks' volumes go together (snapshots cascade).
        deletedVolumes = (
          db
            .prepare(
              `DELETE FROM rbd_volumes WHERE pool || '/' || name IN (SELECT value FROM json_each(?))
               RETURNING pool || '/' || name AS full`,
            )
            .all(keys(rbdDisks)) as { full: string }[]
        )
          .map((row) => row.full)
          .sort((a, b) => rbdDisks.indexOf(a) - rbdDisks.indexOf(b));
      }
      db.prepare('DELETE FROM vms WHERE uuid = ?').run(uuid);
      return { rbdDisks, deletedVolumes };
    });
  }

  async updateVmProfile(uuid: string, patch: VmProfilePatch): Promise<boolean> {
    return this.tx(() => {
      const db = this.store.db;
      if (!db.prepare('SELECT 1 FROM vms WHERE uuid = ?').get(uuid)) return false;
      const columns: Record<keyof VmProfilePatch, string> = {
        kind: 'kind',
        subtype: 'subtype',
        os: 'os',
        poolId: 'pool_id',
        ownerId: 'owner_id',
      };
      for (const [key, column] of Object.entries(columns) as [keyof VmProfilePatch, string][]) {
        if (patch[key] !== undefined)
          db.prepare(`UPDATE vms SET ${column} = ? WHERE uuid = ?`).run(patch[key], uuid);
      }
      return true;
    });
  }

  async setNodeDomainState(
    node: string,
    state: 'flush' | 'ready',
    moves: readonly VmMove[],
  ): Promise<string[]> {
    return this.tx(() => {
      const db = this.store.db;
      // No daemon evacuates in the background: the moves complete here, so a flush ends flushed.
      db.prepare('UPDATE nodes SET domain_state = ? WHERE name = ?').run(
        state === 'flush' ? 'flushed' : 'ready',
        node,
      );
      const move = db.prepare('UPDATE vms SET node = ?, last_node = ? WHERE uuid = ? AND node IS ?');
      return moves.filter((m) => move.run(m.to, m.lastNode, m.uuid, m.from).changes > 0).map((m) => m.uuid);
    });
  }

  async listPools(): Promise<VmPoolRecord[]> {
    return (this.store.db.prepare('SELECT * FROM vm_pools ORDER BY name, id').all() as PoolRow[]).map(toPool);
  }

  async getPools(ids: readonly string[]): Promise<VmPoolRecord[]> {
    if (ids.length === 0) return [];
    return (
      this.store.db
        .prepare('SELECT * FROM vm_pools WHERE id IN (SELECT value FROM json_each(?)) ORDER BY name, id')
        .all(keys(ids)) as PoolRow[]
    ).map(toPool);
  }

  async poolMembers(poolIds: readonly string[]): Promise<VmPoolMemberRecord[]> {
    if (poolIds.length === 0) return [];
    return this.store.db
      .prepare(
        `SELECT pool_id AS poolId, kind, member FROM vm_pool_members
         WHERE pool_id IN (SELECT value FROM json_each(?)) ORDER BY kind DESC, member`,
      )
      .all(keys(poolIds)) as VmPoolMemberRecord[];
  }

  async poolsOfMembers(userIds: readonly string[], groups: readonly string[]): Promise<string[]> {
    const rows = this.store.db
      .prepare(
        `SELECT DISTINCT pool_id FROM vm_pool_members
         WHERE (kind = 'user' AND member IN (SELECT value FROM json_each(?)))
            OR (kind = 'group' AND member IN (SELECT value FROM json_each(?)))`,
      )
      .all(keys(userIds), keys(groups)) as { pool_id: string }[];
    return rows.map((row) => row.pool_id);
  }

  async vmsOfGroups(groups: readonly string[]): Promise<string[]> {
    if (groups.length === 0) return [];
    const rows = this.store.db
      .prepare('SELECT DISTINCT vm_uuid FROM vm_groups WHERE group_name IN (SELECT value FROM json_each(?))')
      .all(keys(groups)) as { vm_uuid: string }[];
    return rows.map((row) => row.vm_uuid);
  }

  async createPool(pool: VmPoolRecord): Promise<boolean> {
    const result = this.store.db
      .prepare(
        'INSERT OR IGNORE INTO vm_pools (id, name, kind, subtype, os, description) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(pool.id, pool.name, pool.kind, pool.subtype, pool.os, pool.description);
    return result.changes > 0;
  }

  async deletePool(id: string): Promise<boolean> {
    return this.store.db.prepare('DELETE FROM vm_pools WHERE id = ?').run(id).changes > 0;
  }

  async setPoolMember(member: VmPoolMemberRecord, present: boolean): Promise<boolean> {
    const statement = present
      ? 'INSERT OR IGNORE INTO vm_pool_members (pool_id, kind, member) VALUES (?, ?, ?)'
      : 'DELETE FROM vm_pool_members WHERE pool_id = ? AND kind = ? AND member = ?';
    return this.store.db.prepare(statement).run(member.poolId, member.kind, member.member).changes > 0;
  }

  async claimFirstFreeVm(userId: string, candidates: readonly string[]): Promise<string | null> {
    // IMMEDIATE: the write lock is taken before the check, so two claims never see the same VM free.
    return this.tx(() => {
      const db = this.store.db;
      const free = db.prepare(
        'SELECT 1 FROM vms v WHERE v.uuid = ? AND NOT EXISTS (SELECT 1 FROM vm_users u WHERE u.vm_uuid = v.uuid)',
      );
      for (const uuid of candidates) {
        if (free.get(uuid)) {
          db.prepare('INSERT INTO vm_users (vm_uuid, user_id) VALUES (?, ?)').run(uuid, userId);
          return uuid;
        }
      }
      return null;
    });
  }

  async assignUser(uuid: string, userId: string): Promise<boolean> {
    return this.tx(() => {
      if (!this.store.db.prepare('SELECT 1 FROM vms WHERE uuid = ?').get(uuid)) return false;
      return (
        this.store.db
          .prepare('INSERT OR IGNORE INTO vm_users (vm_uuid, user_id) VALUES (?, ?)')
          .run(uuid, userId).changes > 0
      );
    });
  }

  async unassignUser(uuid: string, userId: string): Promise<boolean> {
    return (
      this.store.db.prepare('DELETE FROM vm_users WHERE vm_uuid = ? AND user_id = ?').run(uuid, userId)
        .changes > 0
    );
  }

  async macMappings(macs: readonly string[]): Promise<VmMacMappingRecord[]> {
    if (macs.length === 0) return [];
    return this.store.db
      .prepare(
        'SELECT mac, vm_uuid AS vmUuid FROM vm_mac_mappings WHERE mac IN (SELECT value FROM json_each(?))',
      )
      .all(keys(macs)) as VmMacMappingRecord[];
  }

  async listMacMappings(): Promise<VmMacMappingRecord[]> {
    return this.store.db
      .prepare('SELECT mac, vm_uuid AS vmUuid FROM vm_mac_mappings ORDER BY mac')
      .all() as VmMacMappingRecord[];
  }

  async setMacMapping(mac: string, vmUuid: string | null): Promise<boolean> {
    if (vmUuid === null)
      return this.store.db.prepare('DELETE FROM vm_mac_mappings WHERE mac = ?').run(mac).changes > 0;
    return (
      this.store.db
        .prepare(
          `INSERT INTO vm_mac_mappings (mac, vm_uuid) VALUES (?, ?)
           ON CONFLICT(mac) DO UPDATE SET vm_uuid = excluded.vm_uuid WHERE vm_uuid <> excluded.vm_uuid`,
        )
        .run(mac, vmUuid).changes > 0
    );
  }

  async dynamicVmUser(): Promise<string | null> {
    const row = this.store.db.prepare(`SELECT value FROM vm_settings WHERE key = 'dynamic_vm_user'`).get() as
      { value: string } | undefined;
    return row?.value ?? null;
  }
}
