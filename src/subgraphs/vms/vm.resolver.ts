import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { badInput, conflict, forbidden, notFound } from '../../errors/index.js';
import {
  compilePattern,
  connectionType,
  paginate,
  pageSize,
  connectionOf,
  cursorNotInList,
  decodeCursor,
  requireAuthenticated,
  requireOwnerOrPrivileged,
  requirePrivileged,
  type RequestContext,
} from '../kit/index.js';
import { mayUseAll, seesEverything, viewRights, visibleVms } from './access.js';
import { vmsLoaders } from './loaders.js';
import { chooseNode, normalizeSelector } from './placement.js';
import { VmPool } from './pool.type.js';
import { checkPoolId, checkPrincipalId, checkStateWord, vmReferenceKind } from './rules.js';
import type { VmChange, VmRecord, VmsSource, VmStateName } from './source.js';
import { VmDefineInput, VmFilter, VmProfileInput } from './vm.inputs.js';
import {
  ClusterNodeRef,
  UserRef,
  VirtualMachine,
  VmAssignmentStatus,
  VmConsole,
  VmMatchField,
  VmRemoval,
  VmType,
} from './vm.type.js';
import { parseDomainXml } from './xml.js';

export const VirtualMachineConnection = connectionType('VirtualMachine', VirtualMachine);

const MAX_PROFILE_TEXT = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,62}$/;

export function vmNotFound(reference: string): Error {
  return notFound(`Could not find VM '${reference}' in the cluster!`, {
    reason: 'VM_NOT_FOUND',
    vm: reference,
  });
}

export function nodeNotFound(node: string): Error {
  return notFound(`Specified node ${node} is invalid.`, { reason: 'NODE_NOT_FOUND', node });
}

/** Looks a VM up by UUID (a value of UUID form, compared exactly) or by exact name. */
export async function findVm(context: RequestContext, source: VmsSource, reference: string) {
  const loaders = vmsLoaders(context, source);
  return vmReferenceKind(reference) === 'uuid'
    ? loaders.vmByUuid.load(reference)
    : loaders.vmByName.load(reference);
}

async function requireVm(context: RequestContext, source: VmsSource, reference: string): Promise<VmRecord> {
  const vm = await findVm(context, source, reference);
  if (!vm) throw vmNotFound(reference);
  return vm;
}

/** Re-reads a VM after a change (bypassing this request's cache). */
async function reload(context: RequestContext, source: VmsSource, uuid: string): Promise<VirtualMachine> {
  const loaders = vmsLoaders(context, source);
  loaders.vmByUuid.clear(uuid);
  const vm = await loaders.vmByUuid.load(uuid);
  if (!vm) throw vmNotFound(uuid);
  loaders.vmByName.clear(vm.name).prime(vm.name, vm);
  return VirtualMachine.from(vm);
}

function requireXml(xml: string): string {
  if (xml.trim() === '') {
    throw badInput('A libvirt XML document must be specified.', { reason: 'XML_MISSING', argument: 'xml' });
  }
  return xml;
}

function checkProfileText(value: string | null | undefined, argument: string): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (!MAX_PROFILE_TEXT.test(value)) {
    throw badInput(`'${value}' is not a valid ${argument}`, { reason: 'INVALID_PROFILE', argument, value });
  }
  return value;
}

function checkOs(value: string | null | undefined): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (value !== 'windows' && value !== 'linux') {
    throw badInput(`OS '${value}' is not valid: windows, linux or none`, { reason: 'INVALID_OS', os: value });
  }
  return value;
}

/**
 * The node a VM goes to: a non-empty `node` must exist (NODE_NOT_FOUND) and, for an existing VM,
 * differ from its current node (VM_ALREADY_ON_NODE); otherwise the selector chooses.
 */
export async function placementTarget(
  source: VmsSource,
  node: string | null | undefined,
  selector: string | null | undefined,
  vm: VmRecord | null,
  reference?: string,
): Promise<string> {
  if (node) {
    const [exists] = await source.existingNodes([node]);
    if (!exists) throw nodeNotFound(node);
    if (vm && vm.node === node) {
      throw conflict(`VM '${reference ?? vm.name}' is already running on node '${node}'.`, {
        reason: 'VM_ALREADY_ON_NODE',
        vm: reference ?? vm.name,
        node,
      });
    }
    return node;
  }
  const chosen = chooseNode(
    await source.placementCandidates(),
    normalizeSelector(selector),
    vm?.node ?? null,
  );
  if (!chosen) throw conflict('The cluster has no node to place the VM on', { reason: 'NO_NODE_AVAILABLE' });
  return chosen;
}

function changedConcurrently(reference: string): Error {
  return conflict(`VM '${reference}' was changed by another request; try again.`, {
    reason: 'VM_CHANGED',
    vm: reference,
  });
}

@Resolver(() => VirtualMachine)
export class VirtualMachineResolver {
  constructor(private readonly source: VmsSource) {}

  @Query(() => VirtualMachineConnection, {
    description:
      'VMs, ordered by name (users see the VMs they may use). Checks, in order: nodes exist (NOT_FOUND NODE_NOT_FOUND), state words (INVALID_VM_STATE), patterns (INVALID_REGEX).',
  })
  async virtualMachines(
    @Ctx() context: RequestContext,
    @Arg('filter', () => VmFilter, { nullable: true }) filter?: VmFilter | null,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ) {
    requireAuthenticated(context);
    const nodes = (filter?.nodes ?? []).filter((node) => node !== '');
    if (nodes.length > 0) {
      const existing = new Set(await this.source.existingNodes(nodes));
      const missing = nodes.find((node) => !existing.has(node));
      if (missing !== undefined) throw nodeNotFound(missing);
    }
    const states = new Set<string>([
      ...(filter?.states ?? []),
      ...(filter?.stateNames ?? []).filter((state) => state !== '').map(checkStateWord),
    ]);
    const idPattern = filter?.idMatches ? compilePattern(filter.idMatches, 'filter.idMatches') : null;
    const namePattern = filter?.nameMatches ? compilePattern(filter.nameMatches, 'filter.nameMatches') : null;
    const types = filter?.types?.length ? new Set<string>(filter.types) : null;
    const nodeSet = new Set(nodes);

    // Without patterns and for a principal who sees every VM, the store cuts the page itself.
    if (!idPattern && !namePattern && seesEverything(context.principal) && this.source.pageVms) {
      const size = pageSize(first);
      const afterUuid = after ? decodeCursor(after) : null;
      const page = await this.source.pageVms({
        nodes: nodeSet.size ? [...nodeSet] : null,
        states: states.size ? ([...states] as VmStateName[]) : null,
        nodeOrState: !!filter?.nodeOrState,
        kinds: types ? ([...types] as VmRecord['kind'][]) : null,
        afterUuid,
        limit: size,
      });
      if (!page) throw cursorNotInList();
      return connectionOf(
        page.vms.map((vm) => VirtualMachine.from(vm)),
        (vm) => vm.id,
        { totalCount: page.totalCount, hasPreviousPage: afterUuid !== null, hasNextPage: page.hasNextPage },
      );
    }
    const selected: VirtualMachine[] = [];
    for (const vm of await this.source.listVms()) {
      const matchedOn: VmMatchField[] = [];
      if (idPattern && idPattern.test(vm.uuid)) matchedOn.push(VmMatchField.ID);
      if (namePattern && namePattern.test(vm.name)) matchedOn.push(VmMatchField.NAME);
      const patterns = Number(!!idPattern) + Number(!!namePattern);
      if (patterns > 0 && (filter?.anyPattern ? matchedOn.length === 0 : matchedOn.length < patterns))
        continue;
      const onNode = nodeSet.size === 0 || (vm.node !== null && nodeSet.has(vm.node));
      const inState = states.size === 0 || states.has(vm.state);
      if (filter?.nodeOrState && nodeSet.size > 0 && states.size > 0) {
        if (!onNode && !inState) continue;
      } else if (!onNode || !inState) continue;
      if (types && !types.has(vm.kind)) continue;
      selected.push(VirtualMachine.from(vm, matchedOn));
    }
    const allowed = await mayUseAll(
      context,
      this.source,
      selected.map((vm) => vm.record),
    );
    return paginate(
      selected.filter((_vm, index) => allowed[index]),
      (vm) => vm.id,
      { first, after },
    );
  }

  @Query(() => VirtualMachine, {
    nullable: true,
    description:
      'One VM by reference: a value of UUID form is compared with UUIDs exactly, anything else is an exact name. Null when absent or not visible.',
  })
  async virtualMachine(@Ctx() context: RequestContext, @Arg('ref', () => String) reference: string) {
    requireAuthenticated(context);
    const vm = await findVm(context, this.source, reference);
    if (!vm) return null;
    const [visible] = await visibleVms(context, this.source, [vm]);
    return visible ? VirtualMachine.from(visible) : null;
  }

  @Query(() => VirtualMachineConnection, {
    description:
      'Every dynamic VM, ordered by name (FOSS-Cloud list `all`). Needs the right `dynamicVM.view = all` (administrators have it), else FORBIDDEN reason DYNAMIC_VIEW_ALL_REQUIRED.',
  })
  async dynamicVirtualMachines(
    @Ctx() context: RequestContext,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ) {
    const principal = requireAuthenticated(context);
    if (viewRights(principal).dynamicVmView !== 'all') {
      throw forbidden('Listing every dynamic VM needs the right dynamicVM.view = all', {
        reason: 'DYNAMIC_VIEW_ALL_REQUIRED',
      });
    }
    const vms = (await this.source.listVms())
      .filter((vm) => vm.kind === 'dynamic')
      .map((vm) => VirtualMachine.from(vm));
    return paginate(vms, (vm) => vm.id, { first, after });
  }

  @Mutation(() => VirtualMachine, {
    description:
      'Defines a VM from libvirt XML, stopped, on `node` or a node chosen by `selector`. Checks in order: XML present (BAD_USER_INPUT XML_MISSING), valid (INVALID_XML), node (NOT_FOUND NODE_NOT_FOUND), UUID new (CONFLICT VM_EXISTS), name new (CONFLICT VM_NAME_EXISTS).',
  })
  async defineVm(@Ctx() context: RequestContext, @Arg('input', () => VmDefineInput) input: VmDefineInput) {
    requirePrivileged(context);
    const xml = requireXml(input.xml);
    const definition = parseDomainXml(xml);
    const subtype = checkProfileText(input.subtype, 'subtype');
    const os = checkOs(input.os);
    const ownerId = input.ownerId ? checkPrincipalId(input.ownerId, 'input.ownerId') : null;
    const poolId = input.poolId ? checkPoolId(input.poolId, 'input.poolId') : null;
    const node = await placementTarget(this.source, input.node, input.selector, null);
    if (poolId) {
      const pool = await vmsLoaders(context, this.source).poolById.load(poolId);
      if (!pool) throw notFound(`VM pool '${poolId}' not found`, { reason: 'POOL_NOT_FOUND', pool: poolId });
    }
    const result = await this.source.defineVm({
      definition,
      xml,
      node,
      state: 'stop',
      kind: input.type ?? VmType.PERSISTENT,
      subtype,
      os,
      poolId,
      ownerId,
    });
    if (result === 'uuid-exists') {
      throw conflict(`A VM with UUID '${definition.uuid}' already exists in the cluster!`, {
        reason: 'VM_EXISTS',
        uuid: definition.uuid,
        name: definition.name,
      });
    }
    if (result === 'name-exists') {
      throw conflict(`A VM named '${definition.name}' already exists in the cluster!`, {
        reason: 'VM_NAME_EXISTS',
        uuid: definition.uuid,
        name: definition.name,
      });
    }
    return reload(context, this.source, definition.uuid);
  }

  @Mutation(() => VirtualMachine, {
    description:
      'Replaces a VM’s libvirt definition; the VM keeps its UUID, its name follows the new XML. With `restart`, a running VM is restarted afterwards. Checks: XML_MISSING, INVALID_XML, VM_NOT_FOUND, VM_NAME_EXISTS.',
  })
  async modifyVm(
    @Ctx() context: RequestContext,
    @Arg('vm', () => String, { description: 'UUID or name.' }) reference: string,
    @Arg('xml', () => String) xml: string,
    @Arg('restart', () => Boolean, { defaultValue: false }) restart: boolean,
  ) {
    requirePrivileged(context);
    const definition = parseDomainXml(requireXml(xml), { requireUuid: false });
    const vm = await requireVm(context, this.source, reference);
    const result = await this.source.updateVmDefinition(vm.uuid, { ...definition, uuid: vm.uuid }, xml);
    if (result === 'not-found') throw vmNotFound(reference);
    if (result === 'name-exists') {
      throw conflict(`A VM named '${definition.name}' already exists in the cluster!`, {
        reason: 'VM_NAME_EXISTS',
        uuid: vm.uuid,
        name: definition.name,
      });
    }
    if (restart && vm.state === 'start') {
      await this.source.changeVm(
        vm.uuid,
        { node: vm.node, lastNode: vm.lastNode, state: vm.state },
        { state: 'restart' },
      );
    }
    return reload(context, this.source, vm.uuid);
  }

  @Mutation(() => VmRemoval, {
    description: 'Stops and undefines a VM, keeping its disks. NOT_FOUND VM_NOT_FOUND.',
  })
  async undefineVm(@Ctx() context: RequestContext, @Arg('vm', () => String) reference: string) {
    return this.remove(context, reference, false);
  }

  @Mutation(() => VmRemoval, {
    description:
      'Stops, undefines and deletes a VM with its RBD disks (their volumes are deleted in the same transaction where the store holds them). NOT_FOUND VM_NOT_FOUND.',
  })
  async removeVm(@Ctx() context: RequestContext, @Arg('vm', () => String) reference: string) {
    return this.remove(context, reference, true);
  }

  private async remove(context: RequestContext, reference: string, withVolumes: boolean): Promise<VmRemoval> {
    requirePrivileged(context);
    const vm = await requireVm(context, this.source, reference);
    const deletion = await this.source.deleteVm(vm.uuid, withVolumes);
    if (!deletion) throw vmNotFound(reference);
    const loaders = vmsLoaders(context, this.source);
    loaders.vmByUuid.clear(vm.uuid);
    loaders.vmByName.clear(vm.name);
    return Object.assign(new VmRemoval(), {
      id: vm.uuid,
      name: vm.name,
      rbdDisks: deletion.rbdDisks,
      deletedVolumes: deletion.deletedVolumes,
    });
  }

  @Mutation(() => VirtualMachine, { description: 'Starts a VM. NOT_FOUND VM_NOT_FOUND.' })
  async startVm(@Ctx() context: RequestContext, @Arg('vm', () => String) reference: string) {
    return this.lifecycle(context, reference, 'start', false);
  }

  @Mutation(() => VirtualMachine, {
    description: 'Restarts a running VM. VM_NOT_FOUND; CONFLICT VM_NOT_RUNNING when not in state start.',
  })
  async restartVm(@Ctx() context: RequestContext, @Arg('vm', () => String) reference: string) {
    return this.lifecycle(context, reference, 'restart', true);
  }

  @Mutation(() => VirtualMachine, {
    description: 'Shuts a running VM down gracefully. VM_NOT_FOUND; CONFLICT VM_NOT_RUNNING.',
  })
  async shutdownVm(@Ctx() context: RequestContext, @Arg('vm', () => String) reference: string) {
    return this.lifecycle(context, reference, 'shutdown', true);
  }

  @Mutation(() => VirtualMachine, { description: 'Stops a VM forcibly. VM_NOT_FOUND.' })
  async stopVm(@Ctx() context: RequestContext, @Arg('vm', () => String) reference: string) {
    return this.lifecycle(context, reference, 'stop', false);
  }

  private async lifecycle(
    context: RequestContext,
    reference: string,
    state: VmStateName,
    mustRun: boolean,
  ): Promise<VirtualMachine> {
    requireAuthenticated(context);
    const vm = await requireVm(context, this.source, reference);
    const users = await vmsLoaders(context, this.source).usersOfVm.load(vm.uuid);
    requireOwnerOrPrivileged(context, [vm.ownerId, ...users.map((row) => row.userId)], `VM '${reference}'`);
    if (mustRun && vm.state !== 'start') {
      throw conflict(`VM '${reference}' is not in 'start' state!`, {
        reason: 'VM_NOT_RUNNING',
        vm: reference,
        state: vm.state,
      });
    }
    const ok = await this.source.changeVm(
      vm.uuid,
      { node: vm.node, lastNode: vm.lastNode, state: vm.state },
      { state },
    );
    if (!ok) throw changedConcurrently(reference);
    return reload(context, this.source, vm.uuid);
  }

  @Mutation(() => VirtualMachine, {
    description:
      'Moves a VM permanently (forgets its last node) to `node` or a node chosen by `selector`. Checks: VM_NOT_FOUND, NODE_NOT_FOUND, VM_ALREADY_ON_NODE (only with `node`). The chosen node is the result’s `node`.',
  })
  async moveVm(
    @Ctx() context: RequestContext,
    @Arg('vm', () => String) reference: string,
    @Arg('node', () => String, { nullable: true }) node?: string | null,
    @Arg('selector', () => String, { nullable: true, description: 'mem (default), load, vcpus, vms.' })
    selector?: string | null,
  ) {
    requirePrivileged(context);
    const vm = await requireVm(context, this.source, reference);
    const target = await placementTarget(this.source, node, selector, vm, reference);
    return this.place(context, vm, reference, { node: target, lastNode: null });
  }

  @Mutation(() => VirtualMachine, {
    description:
      'Migrates a VM temporarily, remembering its current node as last node (kept unchanged on a forced re-migration). Checks in order: VM_NOT_FOUND, CONFLICT VM_ALREADY_MIGRATED (only without `force`), NODE_NOT_FOUND, VM_ALREADY_ON_NODE (only with `node`).',
  })
  async migrateVm(
    @Ctx() context: RequestContext,
    @Arg('vm', () => String) reference: string,
    @Arg('node', () => String, { nullable: true }) node?: string | null,
    @Arg('selector', () => String, { nullable: true, description: 'mem (default), load, vcpus, vms.' })
    selector?: string | null,
    @Arg('force', () => Boolean, { defaultValue: false }) force?: boolean,
  ) {
    requirePrivileged(context);
    const vm = await requireVm(context, this.source, reference);
    if (!force && vm.lastNode) {
      throw conflict(`VM '${reference}' has been previously migrated.`, {
        reason: 'VM_ALREADY_MIGRATED',
        vm: reference,
        lastNode: vm.lastNode,
      });
    }
    const target = await placementTarget(this.source, node, selector, vm, reference);
    return this.place(context, vm, reference, { node: target, lastNode: vm.lastNode ?? vm.node });
  }

  @Mutation(() => VirtualMachine, {
    description:
      'Returns a migrated VM to its last node. Checks: VM_NOT_FOUND, CONFLICT VM_NOT_MIGRATED. The last node is the result’s `node`.',
  })
  async unmigrateVm(@Ctx() context: RequestContext, @Arg('vm', () => String) reference: string) {
    requirePrivileged(context);
    const vm = await requireVm(context, this.source, reference);
    if (!vm.lastNode) {
      throw conflict(`VM '${reference}' has not been previously migrated.`, {
        reason: 'VM_NOT_MIGRATED',
        vm: reference,
      });
    }
    return this.place(context, vm, reference, { node: vm.lastNode, lastNode: null });
  }

  private async place(context: RequestContext, vm: VmRecord, reference: string, change: VmChange) {
    const ok = await this.source.changeVm(
      vm.uuid,
      { node: vm.node, lastNode: vm.lastNode, state: vm.state },
      vm.state === 'start' ? { ...change, state: 'migrate' } : change,
    );
    if (!ok) throw changedConcurrently(reference);
    return reload(context, this.source, vm.uuid);
  }

  @Mutation(() => VirtualMachine, {
    description:
      'Changes a VM’s FOSS-Cloud profile (type, subtype, OS, pool, owner). VM_NOT_FOUND, POOL_NOT_FOUND.',
  })
  async updateVmProfile(
    @Ctx() context: RequestContext,
    @Arg('vm', () => String) reference: string,
    @Arg('input', () => VmProfileInput) input: VmProfileInput,
  ) {
    requirePrivileged(context);
    const vm = await requireVm(context, this.source, reference);
    const patch: Parameters<VmsSource['updateVmProfile']>[1] = {};
    if (input.type) patch.kind = input.type;
    if (input.subtype !== undefined && input.subtype !== null)
      patch.subtype = checkProfileText(input.subtype, 'subtype');
    if (input.os !== undefined && input.os !== null) patch.os = checkOs(input.os);
    if (input.ownerId !== undefined && input.ownerId !== null)
      patch.ownerId = input.ownerId === '' ? null : checkPrincipalId(input.ownerId, 'input.ownerId');
    if (input.poolId !== undefined && input.poolId !== null) {
      if (input.poolId === '') patch.poolId = null;
      else {
        const pool = await vmsLoaders(context, this.source).poolById.load(
          checkPoolId(input.poolId, 'input.poolId'),
        );
        if (!pool)
          throw notFound(`VM pool '${input.poolId}' not found`, {
            reason: 'POOL_NOT_FOUND',
            pool: input.poolId,
          });
        patch.poolId = pool.id;
      }
    }
    if (!(await this.source.updateVmProfile(vm.uuid, patch))) throw vmNotFound(reference);
    return reload(context, this.source, vm.uuid);
  }

  @Mutation(() => VirtualMachine, { description: 'Assigns a user to a VM (no-op when already assigned).' })
  async assignVmUser(
    @Ctx() context: RequestContext,
    @Arg('vm', () => String) reference: string,
    @Arg('userId', () => ID) userId: string,
  ) {
    requirePrivileged(context);
    const vm = await requireVm(context, this.source, reference);
    await this.source.assignUser(vm.uuid, checkPrincipalId(userId, 'userId'));
    return reload(context, this.source, vm.uuid);
  }

  @Mutation(() => VirtualMachine, { description: 'Removes a user’s assignment to a VM (no-op when none).' })
  async unassignVmUser(
    @Ctx() context: RequestContext,
    @Arg('vm', () => String) reference: string,
    @Arg('userId', () => ID) userId: string,
  ) {
    requirePrivileged(context);
    const vm = await requireVm(context, this.source, reference);
    await this.source.unassignUser(vm.uuid, userId);
    return reload(context, this.source, vm.uuid);
  }

  @FieldResolver(() => ClusterNodeRef, { nullable: true, description: 'The node the VM is placed on.' })
  node(@Root() vm: VirtualMachine): ClusterNodeRef | null {
    return vm.record.node ? ClusterNodeRef.of(vm.record.node) : null;
  }

  @FieldResolver(() => ClusterNodeRef, {
    nullable: true,
    description: 'The node a migrated VM came from (null when not migrated).',
  })
  lastNode(@Root() vm: VirtualMachine): ClusterNodeRef | null {
    return vm.record.lastNode ? ClusterNodeRef.of(vm.record.lastNode) : null;
  }

  @FieldResolver(() => VmConsole, { nullable: true, description: 'The graphical console, when defined.' })
  async console(@Root() vm: VirtualMachine, @Ctx() context: RequestContext): Promise<VmConsole | null> {
    const graphics = vm.record.definition.graphics;
    if (!graphics) return null;
    const [mayUse] = await mayUseAll(context, this.source, [vm.record]);
    return Object.assign(new VmConsole(), {
      protocol: graphics.protocol,
      host: vm.record.node,
      node: vm.record.node ? ClusterNodeRef.of(vm.record.node) : null,
      port: graphics.port,
      password: mayUse ? graphics.password : null,
    });
  }

  @FieldResolver(() => VmPool, { nullable: true, description: 'The FOSS-Cloud pool of the VM.' })
  async pool(@Root() vm: VirtualMachine, @Ctx() context: RequestContext) {
    if (!vm.record.poolId) return null;
    const pool = await vmsLoaders(context, this.source).poolById.load(vm.record.poolId);
    return pool ? VmPool.from(pool) : null;
  }

  @FieldResolver(() => ID, { nullable: true, description: 'The pool id (without loading the pool).' })
  poolId(@Root() vm: VirtualMachine): string | null {
    return vm.record.poolId;
  }

  @FieldResolver(() => UserRef, { nullable: true, description: 'The owning user.' })
  owner(@Root() vm: VirtualMachine): UserRef | null {
    return vm.record.ownerId ? UserRef.of(vm.record.ownerId) : null;
  }

  @FieldResolver(() => [UserRef], { description: 'Users assigned to the VM.' })
  async assignedUsers(@Root() vm: VirtualMachine, @Ctx() context: RequestContext) {
    const rows = await vmsLoaders(context, this.source).usersOfVm.load(vm.id);
    return rows.map((row) => UserRef.of(row.userId));
  }

  @FieldResolver(() => [String], { description: 'Groups the VM is assigned to directly.' })
  async assignedGroups(@Root() vm: VirtualMachine, @Ctx() context: RequestContext) {
    const rows = await vmsLoaders(context, this.source).groupsOfVm.load(vm.id);
    return rows.map((row) => row.group);
  }

  @FieldResolver(() => VmAssignmentStatus, {
    description: 'ASSIGNED when any user is assigned to the VM, else ASSIGNABLE.',
  })
  async assignmentStatus(@Root() vm: VirtualMachine, @Ctx() context: RequestContext) {
    const rows = await vmsLoaders(context, this.source).usersOfVm.load(vm.id);
    return rows.length > 0 ? VmAssignmentStatus.ASSIGNED : VmAssignmentStatus.ASSIGNABLE;
  }

  @FieldResolver(() => [String], { description: 'The VM’s RBD disks, `pool/volume`.' })
  rbdDisks(@Root() vm: VirtualMachine): string[] {
    return vm.record.definition.disks
      .filter((disk) => disk.type === 'rbd' && disk.name)
      .map((disk) => disk.name!);
  }
}
