/**
 * The PVC route table (compat/pvc.md §6): each documented URL → one named operation → a renderer.
 * Handlers check the presence of required values (520/510/599), call the graph, and pick the
 * legacy message from the failure's code and reason; the graph decides everything else.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { GraphFailure, GraphResult, ShimResponse } from '../kit/index.js';
import {
  PvcAclsDocument,
  PvcAddAclDocument,
  PvcAddDhcpReservationDocument,
  PvcAddNetworkDocument,
  PvcAddOsdDocument,
  PvcAddPoolDocument,
  PvcAddSnapshotDocument,
  PvcAddVolumeDocument,
  PvcCephStatusDocument,
  PvcDefineVmDocument,
  PvcDhcpDocument,
  PvcFlushNodeDocument,
  PvcMigrateVmDocument,
  PvcModifyNetworkDocument,
  PvcModifyVmDocument,
  PvcMoveVmDocument,
  PvcNetworksDocument,
  PvcNodesDocument,
  PvcOsdInDocument,
  PvcOsdOutDocument,
  PvcOsdsDocument,
  PvcPoolsDocument,
  PvcReadyNodeDocument,
  PvcRemoveAclDocument,
  PvcRemoveDhcpReservationDocument,
  PvcRemoveNetworkDocument,
  PvcRemoveOsdDocument,
  PvcRemovePoolDocument,
  PvcRemoveSnapshotDocument,
  PvcRemoveVmDocument,
  PvcRemoveVolumeDocument,
  PvcRestartVmDocument,
  PvcSetOsdFlagDocument,
  PvcSetRouterModeDocument,
  PvcShutdownVmDocument,
  PvcSnapshotDocument,
  PvcSnapshotsDocument,
  PvcStartVmDocument,
  PvcStopVmDocument,
  PvcUndefineVmDocument,
  PvcUnmigrateVmDocument,
  PvcUnsetOsdFlagDocument,
  PvcVmXmlDocument,
  PvcVmsDocument,
  PvcVolumeDocument,
  PvcVolumesDocument,
  type NetworkLookup,
  type PvcVmFragment,
} from '../__generated__/graphql.js';
import type { PyJson } from './json.js';
import { optional, type Values } from './request.js';
import {
  failureString,
  html,
  json,
  jsonList,
  message,
  renderAcl,
  renderLease,
  renderNetwork,
  renderNode,
  renderOsd,
  renderPool,
  writeVmItem,
  renderVolume,
} from './responses.js';
import type { RouteSpec } from './router.js';

/** What a handler gets: the path parameters, the request values, the raw body, and the graph. */
export interface Call {
  params: Record<string, string>;
  values: Values;
  /** The raw body and whether it was a form (a raw XML body is not). */
  body: Buffer;
  isForm: boolean;
  run<TResult, TVariables extends Record<string, unknown>>(
    operation: TypedDocumentNode<TResult, TVariables>,
    variables: TVariables,
  ): Promise<GraphResult<TResult>>;
}

export type Handler = (call: Call) => Promise<ShimResponse>;

/** Routes answered without authentication (the API root, login, logout) are handled by the shim itself. */
export type PvcRoute = RouteSpec<Handler>;

// ---------------------------------------------------------------------------------------------
// Shared pieces

const PAGE = 5000;

const CONFIRM =
  "ERROR: This command can have unintended consequences and should not be automated; if you're sure you know what you're doing, resend with the argument 'flag_yes_i_really_mean_it'.";

/** A limit as the original widened it: `.*` before unless `^`, `.*` after unless `$`. */
export function fuzzyPattern(limit: string): string {
  let pattern = limit;
  if (!pattern.startsWith('^')) pattern = `.*${pattern}`;
  if (!pattern.includes('$')) pattern = `${pattern}.*`;
  return startAnchored(pattern);
}

/** Python's `re.match`: the pattern must match at the start; Python-only group syntax translated. */
export function startAnchored(pattern: string): string {
  const translated = pattern
    .replace(/\(\?P<([A-Za-z_][A-Za-z0-9_]*)>/g, '(?<$1>')
    .replace(/\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)/g, '\\k<$1>');
  return `^(?:${translated})`;
}

function first(errors: readonly GraphFailure[]): GraphFailure {
  return errors[0]!;
}

function isReason(failure: GraphFailure, ...reasons: string[]): boolean {
  return failure.reason !== undefined && reasons.includes(failure.reason);
}

function regexError(failure: GraphFailure): ShimResponse | null {
  if (!isReason(failure, 'INVALID_REGEX')) return null;
  const raw = typeof failure.extensions.detail === 'string' ? failure.extensions.detail : 'invalid pattern';
  // The engine quotes the whole widened pattern (`/^(?:.*(.*)/u: …`); the client only needs the reason.
  const detail = raw.replace(/^\/.*\/[a-z]*: /s, '');
  return failureString(`Regex Error: ${detail}`);
}

/** The catch-all of §5: a short description by code, never the graph's text or a stack. */
function short(failure: GraphFailure): string {
  switch (failure.code) {
    case 'BACKEND_UNAVAILABLE':
      return 'ERROR: The cluster backend is unavailable.';
    case 'BACKEND_TIMEOUT':
      return 'ERROR: The cluster backend did not answer in time.';
    case 'BACKEND_FAILED':
      return 'ERROR: The cluster backend reported a failure.';
    case 'BAD_USER_INPUT':
      return `ERROR: Invalid value (${(failure.reason ?? 'BAD_USER_INPUT').toLowerCase().replaceAll('_', ' ')}).`;
    case 'CONFLICT':
      return `ERROR: Conflict (${(failure.reason ?? 'CONFLICT').toLowerCase().replaceAll('_', ' ')}).`;
    case 'NOT_FOUND':
      return `ERROR: Not found (${(failure.reason ?? 'NOT_FOUND').toLowerCase().replaceAll('_', ' ')}).`;
    case 'FORBIDDEN':
    case 'UNAUTHENTICATED':
      return 'ERROR: The operation is not allowed.';
    default:
      return 'ERROR: An unexpected error occurred.';
  }
}

const postFailure = (failure: GraphFailure): ShimResponse => message(510, short(failure));
const getFailure = (failure: GraphFailure): ShimResponse => failureString(short(failure));

/** Every page of a connection, for lists PVC returned whole. */
async function allPages<
  TResult,
  TVariables extends { first: number | null | undefined; after: string | null | undefined },
  TItem,
>(
  call: Call,
  operation: TypedDocumentNode<TResult, TVariables>,
  variables: Omit<TVariables, 'first' | 'after'>,
  pick: (
    data: TResult,
  ) => { nodes: TItem[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } | null,
): Promise<{ ok: true; items: TItem[]; found: boolean } | { ok: false; failure: GraphFailure }> {
  const items: TItem[] = [];
  let after: string | null = null;
  for (;;) {
    const result = await call.run(operation, { ...variables, first: PAGE, after } as unknown as TVariables);
    if (!result.ok) return { ok: false, failure: first(result.errors) };
    const connection = pick(result.data);
    if (!connection) return { ok: true, items, found: false };
    items.push(...connection.nodes);
    if (!connection.pageInfo.hasNextPage || connection.pageInfo.endCursor === null) break;
    after = connection.pageInfo.endCursor;
  }
  return { ok: true, items, found: true };
}

/** `<net>`: ASCII digits are a VNI, anything else a description. */
function lookup(net: string): NetworkLookup {
  return /^[0-9]+$/.test(net) ? { vni: net, description: null } : { vni: null, description: net };
}

const networkNotFound = (net: string) =>
  message(510, `ERROR: Could not find network '${net}' in the cluster!`);

// ---------------------------------------------------------------------------------------------
// Nodes

async function listNodes(call: Call, limit: string | undefined): Promise<ShimResponse> {
  const listed = await allPages(
    call,
    PvcNodesDocument,
    { filter: limit === undefined ? null : { nameMatches: fuzzyPattern(limit) } },
    (data) => data.clusterNodes,
  );
  if (!listed.ok) return regexError(listed.failure) ?? getFailure(listed.failure);
  return json(200, listed.items.map(renderNode));
}

function routerMode(mode: 'PRIMARY' | 'SECONDARY'): Handler {
  const word = mode.toLowerCase();
  return async ({ params, run }) => {
    const node = params.node!;
    const result = await run(PvcSetRouterModeDocument, { node, mode });
    if (result.ok) return message(200, `Setting node ${node} in ${word} router mode.`);
    const failure = first(result.errors);
    if (failure.code === 'NOT_FOUND')
      return message(510, `ERROR: No node named '${node}' is present in the cluster.`);
    if (isReason(failure, 'NODE_NOT_COORDINATOR'))
      return message(510, `ERROR: Cannot change router mode on non-coordinator node '${node}'`);
    if (isReason(failure, 'NODE_NOT_ACTIVE')) return message(510, `ERROR: Node '${node}' is not active`);
    if (isReason(failure, 'ALREADY_IN_MODE'))
      return message(510, `Node ${node} is already in ${word} router mode.`);
    return postFailure(failure);
  };
}

function nodeFlush(flush: boolean): Handler {
  return async ({ params, run }) => {
    const node = params.node!;
    const result = flush
      ? await run(PvcFlushNodeDocument, { node })
      : await run(PvcReadyNodeDocument, { node });
    if (result.ok)
      return message(
        200,
        flush
          ? `Flushing hypervisor ${node} of running VMs.`
          : `Restoring hypervisor ${node} to active service.`,
      );
    const failure = first(result.errors);
    if (failure.code === 'NOT_FOUND')
      return message(510, `ERROR: No node named '${node}' is present in the cluster.`);
    return postFailure(failure);
  };
}

// ---------------------------------------------------------------------------------------------
// VMs

/** The VM list: one entry per pattern a VM matched (UUID first), or once without a limit. */
export async function listVms(
  call: Call,
  options: { pattern: string | undefined; node: string | undefined; state: string | undefined },
): Promise<ShimResponse> {
  const { pattern, node, state } = options;
  const listed = await allPages(
    call,
    PvcVmsDocument,
    {
      filter: {
        idMatches: pattern ?? null,
        nameMatches: pattern ?? null,
        anyPattern: true,
        nodes: node === undefined ? null : [node],
        stateNames: state === undefined ? null : [state],
        nodeOrState: true,
        states: null,
        types: null,
      },
    },
    (data) => data.virtualMachines,
  );
  if (!listed.ok) {
    const failure = listed.failure;
    if (isReason(failure, 'NODE_NOT_FOUND')) return failureString(`Specified node ${node} is invalid.`);
    if (isReason(failure, 'INVALID_VM_STATE')) return failureString(`VM state "${state}" is not valid.`);
    return regexError(failure) ?? getFailure(failure);
  }
  // Written straight to text: the list of every VM is the largest document the shim serves.
  const entries: string[] = [];
  for (const vm of listed.items as PvcVmFragment[]) {
    const written = writeVmItem(vm);
    const times = pattern === undefined ? 1 : vm.matchedOn.length;
    for (let i = 0; i < times; i++) entries.push(written);
  }
  if (entries.length === 0) return json(404, { message: 'VM not found.' });
  return jsonList(200, entries);
}

const vmNotFound = (vm: string) => message(510, `ERROR: Could not find VM '${vm}' in the cluster!`);

function vmAction(
  operation:
    | typeof PvcStartVmDocument
    | typeof PvcRestartVmDocument
    | typeof PvcShutdownVmDocument
    | typeof PvcStopVmDocument,
  success: (vm: string) => string,
): Handler {
  return async ({ params, run }) => {
    const vm = params.vm!;
    const result = await run(operation as typeof PvcStartVmDocument, { vm });
    if (result.ok) return message(200, success(vm));
    const failure = first(result.errors);
    if (isReason(failure, 'VM_NOT_FOUND')) return vmNotFound(vm);
    if (isReason(failure, 'VM_NOT_RUNNING'))
      return message(510, `ERROR: VM '${vm}' is not in 'start' state!`);
    return postFailure(failure);
  };
}

function invalidXml(): ShimResponse {
  return message(400, 'ERROR: The Libvirt XML document is not valid.');
}

const defineVm: Handler = async ({ values, run }) => {
  const xml = values.get('xml');
  if (xml === undefined) return message(520, 'ERROR: A Libvirt XML document must be specified.');
  const node = optional(values, 'node');
  const result = await run(PvcDefineVmDocument, {
    input: {
      xml,
      node: node ?? null,
      selector: optional(values, 'selector') ?? null,
      os: null,
      ownerId: null,
      poolId: null,
      subtype: null,
      type: null,
    },
  });
  if (result.ok)
    return message(
      200,
      `Added new VM with Name '${result.data.defineVm.name}' and UUID '${result.data.defineVm.uuid}' to database.`,
    );
  const failure = first(result.errors);
  if (isReason(failure, 'INVALID_XML', 'XML_MISSING')) return invalidXml();
  if (isReason(failure, 'NODE_NOT_FOUND')) return message(510, `Specified node ${node} is invalid.`);
  if (isReason(failure, 'VM_EXISTS'))
    return message(
      510,
      `ERROR: A VM with UUID '${String(failure.extensions.uuid)}' already exists in the cluster!`,
    );
  if (isReason(failure, 'VM_NAME_EXISTS'))
    return message(
      510,
      `ERROR: A VM with name '${String(failure.extensions.name)}' already exists in the cluster!`,
    );
  return postFailure(failure);
};

const modifyVm: Handler = async ({ params, values, body, isForm, run }) => {
  const vm = params.vm!;
  // The documented `xml` value, else the raw body when it is not a form (the original read only the latter).
  const xml = values.get('xml') ?? (!isForm && body.length > 0 ? body.toString('utf8') : undefined);
  if (xml === undefined) return message(520, 'ERROR: A Libvirt XML document must be specified.');
  const result = await run(PvcModifyVmDocument, { vm, xml, restart: values.has('flag_restart') });
  if (result.ok) return message(200, '');
  const failure = first(result.errors);
  if (isReason(failure, 'INVALID_XML', 'XML_MISSING')) return invalidXml();
  if (isReason(failure, 'VM_NOT_FOUND')) return vmNotFound(vm);
  if (isReason(failure, 'VM_NAME_EXISTS'))
    return message(
      510,
      `ERROR: A VM with name '${String(failure.extensions.name)}' already exists in the cluster!`,
    );
  return postFailure(failure);
};

function vmRemoval(remove: boolean): Handler {
  return async ({ params, run }) => {
    const vm = params.vm!;
    const result = remove ? await run(PvcRemoveVmDocument, { vm }) : await run(PvcUndefineVmDocument, { vm });
    if (result.ok)
      return message(
        200,
        remove ? `Removed VM '${vm}' and disks from the cluster.` : `Undefined VM '${vm}' from the cluster.`,
      );
    const failure = first(result.errors);
    if (isReason(failure, 'VM_NOT_FOUND')) return vmNotFound(vm);
    return postFailure(failure);
  };
}

const dumpVm: Handler = async ({ params, run }) => {
  const vm = params.vm!;
  const result = await run(PvcVmXmlDocument, { ref: vm });
  if (result.ok && result.data.virtualMachine) return html(200, result.data.virtualMachine.xml);
  if (result.ok) return html(510, `ERROR: Could not find VM "${vm}" in the cluster!`);
  return html(510, short(first(result.errors)));
};

function placement(kind: 'move' | 'migrate'): Handler {
  return async ({ params, values, run }) => {
    const vm = params.vm!;
    const node = optional(values, 'node');
    const selector = optional(values, 'selector') ?? null;
    const result =
      kind === 'move'
        ? await run(PvcMoveVmDocument, { vm, node: node ?? null, selector })
        : await run(PvcMigrateVmDocument, {
            vm,
            node: node ?? null,
            selector,
            force: values.has('flag_force'),
          });
    if (result.ok) {
      const data = result.data as {
        moveVm?: { node: { id: string } | null };
        migrateVm?: { node: { id: string } | null };
      };
      const target = (data.moveVm ?? data.migrateVm)?.node?.id ?? '';
      return message(
        200,
        kind === 'move'
          ? `Permanently migrating VM '${vm}' to node '${target}'.`
          : `Migrating VM '${vm}' to node '${target}'.`,
      );
    }
    const failure = first(result.errors);
    if (isReason(failure, 'VM_NOT_FOUND')) return vmNotFound(vm);
    if (isReason(failure, 'VM_ALREADY_MIGRATED'))
      return message(510, `ERROR: VM '${vm}' has been previously migrated.`);
    if (isReason(failure, 'NODE_NOT_FOUND')) return message(510, `Specified node ${node} is invalid.`);
    if (isReason(failure, 'VM_ALREADY_ON_NODE'))
      return message(510, `ERROR: VM '${vm}' is already running on node '${node}'.`);
    return postFailure(failure);
  };
}

const unmigrateVm: Handler = async ({ params, run }) => {
  const vm = params.vm!;
  const result = await run(PvcUnmigrateVmDocument, { vm });
  if (result.ok)
    return message(200, `Unmigrating VM '${vm}' back to node '${result.data.unmigrateVm.node?.id ?? ''}'.`);
  const failure = first(result.errors);
  if (isReason(failure, 'VM_NOT_FOUND')) return vmNotFound(vm);
  if (isReason(failure, 'VM_NOT_MIGRATED'))
    return message(510, `ERROR: VM '${vm}' has not been previously migrated.`);
  return postFailure(failure);
};

// ---------------------------------------------------------------------------------------------
// Networks

async function listNetworks(call: Call, limit: string | undefined): Promise<ShimResponse> {
  const pattern = limit === undefined ? undefined : fuzzyPattern(limit);
  const listed = await allPages(
    call,
    PvcNetworksDocument,
    { filter: pattern === undefined ? null : { vniMatches: pattern, descriptionMatches: pattern } },
    (data) => data.networks,
  );
  if (!listed.ok) return regexError(listed.failure) ?? getFailure(listed.failure);
  const entries: PyJson[] = [];
  for (const network of listed.items) {
    const rendered = renderNetwork(network);
    const times = pattern === undefined ? 1 : network.matchedOn.length;
    for (let i = 0; i < times; i++) entries.push(rendered);
  }
  return json(200, entries);
}

/** Messages for the failures network add and modify share. */
function networkChangeFailure(failure: GraphFailure, net: string, vni: string | undefined): ShimResponse {
  // A required value given empty is judged by validation (§4): an empty type or VNI is invalid.
  if (isReason(failure, 'INVALID_NETWORK_TYPE', 'NETWORK_TYPE_REQUIRED'))
    return message(520, "ERROR: A valid nettype must be specified: 'managed' or 'bridged'.");
  if (isReason(failure, 'DHCP4_RANGE_REQUIRED'))
    return message(510, 'ERROR: DHCPv4 start and end addresses are required for a DHCPv4-enabled network.');
  if (isReason(failure, 'VNI_EXISTS'))
    return message(510, `ERROR: A network with VNI ${vni} already exists!`);
  if (isReason(failure, 'DESCRIPTION_EXISTS'))
    return message(510, `ERROR: A network with description ${net} already exists!`);
  if (isReason(failure, 'NETWORK_NOT_FOUND')) return networkNotFound(net);
  const invalid: Record<string, string> = {
    INVALID_VNI: 'ERROR: A valid VNI must be specified for the virtual network.',
    VNI_REQUIRED: 'ERROR: A valid VNI must be specified for the virtual network.',
    INVALID_DESCRIPTION: 'ERROR: The network description is not valid.',
    INVALID_DOMAIN: 'ERROR: The domain is not valid.',
    INVALID_IP4_NETWORK: 'ERROR: The IPv4 network is not valid.',
    INVALID_IP4_GATEWAY: 'ERROR: The IPv4 gateway is not valid.',
    INVALID_IP6_NETWORK: 'ERROR: The IPv6 network is not valid.',
    INVALID_IP6_GATEWAY: 'ERROR: The IPv6 gateway is not valid.',
    INVALID_DHCP4_START: 'ERROR: The DHCPv4 start address is not valid.',
    INVALID_DHCP4_END: 'ERROR: The DHCPv4 end address is not valid.',
  };
  const text = failure.reason !== undefined ? invalid[failure.reason] : undefined;
  return text ? message(510, text) : postFailure(failure);
}

const addNetwork: Handler = async ({ params, values, run }) => {
  const net = params.net!;
  const vni = values.get('vni');
  if (vni === undefined) return message(520, 'ERROR: A VNI must be specified for the virtual network.');
  const type = values.get('nettype');
  if (type === undefined) return message(520, 'ERROR: A nettype must be specified for the virtual network.');
  const result = await run(PvcAddNetworkDocument, {
    input: {
      description: net,
      vni,
      type,
      domain: optional(values, 'domain') ?? null,
      ip4Network: optional(values, 'ip4_network') ?? null,
      ip4Gateway: optional(values, 'ip4_gateway') ?? null,
      ip6Network: optional(values, 'ip6_network') ?? null,
      ip6Gateway: optional(values, 'ip6_gateway') ?? null,
      dhcp4: values.has('flag_dhcp4'),
      dhcp4Start: optional(values, 'dhcp4_start') ?? null,
      dhcp4End: optional(values, 'dhcp4_end') ?? null,
    },
  });
  if (result.ok) return message(200, `Network '${net}' added successfully!`);
  return networkChangeFailure(first(result.errors), net, vni);
};

const modifyNetwork: Handler = async ({ params, values, run }) => {
  const net = params.net!;
  const vni = optional(values, 'vni');
  const result = await run(PvcModifyNetworkDocument, {
    network: lookup(net),
    changes: {
      vni: vni ?? null,
      type: optional(values, 'nettype') ?? null,
      domain: optional(values, 'domain') ?? null,
      ip4Network: optional(values, 'ip4_network') ?? null,
      ip4Gateway: optional(values, 'ip4_gateway') ?? null,
      ip6Network: optional(values, 'ip6_network') ?? null,
      ip6Gateway: optional(values, 'ip6_gateway') ?? null,
      dhcp4: values.has('flag_dhcp4') ? true : null,
      dhcp4Start: optional(values, 'dhcp4_start') ?? null,
      dhcp4End: optional(values, 'dhcp4_end') ?? null,
    },
  });
  if (result.ok) return message(200, `Network '${result.data.modifyNetwork.vni}' modified successfully!`);
  return networkChangeFailure(first(result.errors), net, vni);
};

const removeNetwork: Handler = async ({ params, run }) => {
  const net = params.net!;
  const result = await run(PvcRemoveNetworkDocument, { network: lookup(net) });
  if (result.ok)
    return message(200, `Network '${result.data.removeNetwork.description}' removed successfully!`);
  const failure = first(result.errors);
  if (isReason(failure, 'NETWORK_NOT_FOUND')) return networkNotFound(net);
  return postFailure(failure);
};

async function listLeases(
  call: Call,
  net: string,
  limit: string | undefined,
  isStatic: boolean,
): Promise<ShimResponse> {
  const target = lookup(net);
  const listed = await allPages(
    call,
    PvcDhcpDocument,
    {
      vni: target.vni ?? null,
      description: target.description ?? null,
      mac: limit === undefined ? null : fuzzyPattern(limit),
      static: isStatic,
    },
    (data) =>
      data.network ? ((isStatic ? data.network.dhcpReservations : data.network.dhcpLeases) ?? null) : null,
  );
  if (!listed.ok) return regexError(listed.failure) ?? getFailure(listed.failure);
  if (!listed.found) return failureString(`ERROR: Could not find network "${net}" in the cluster!`);
  return json(200, listed.items.map(renderLease));
}

const addReservation: Handler = async ({ params, values, run }) => {
  const net = params.net!;
  const mac = params.mac!.toLowerCase();
  const ipAddress = values.get('ipaddress');
  if (ipAddress === undefined) return message(520, 'ERROR: An IP address must be specified for the lease.');
  const result = await run(PvcAddDhcpReservationDocument, {
    network: lookup(net),
    reservation: { mac: params.mac!, ipAddress, hostname: optional(values, 'hostname') ?? null },
  });
  if (result.ok)
    return message(
      200,
      `DHCP reservation '${result.data.addDhcpReservation.macAddress}' added successfully!`,
    );
  const failure = first(result.errors);
  if (isReason(failure, 'NETWORK_NOT_FOUND')) return networkNotFound(net);
  if (isReason(failure, 'INVALID_MAC'))
    return message(510, `ERROR: MAC address '${mac}' is not valid! Always use ':' as a separator.`);
  // The MAC in the IP address message is an upstream slip kept on purpose (compat/pvc.md §6.4).
  if (isReason(failure, 'INVALID_IP', 'IP_ADDRESS_REQUIRED'))
    return message(510, `ERROR: IP address '${mac}' is not valid!`);
  if (isReason(failure, 'INVALID_HOSTNAME')) return message(510, 'ERROR: The hostname is not valid.');
  if (isReason(failure, 'RESERVATION_EXISTS'))
    return message(510, `ERROR: A reservation with MAC '${mac}' already exists!`);
  return postFailure(failure);
};

const removeReservation: Handler = async ({ params, run }) => {
  const net = params.net!;
  const match = params.mac!;
  const result = await run(PvcRemoveDhcpReservationDocument, { network: lookup(net), match });
  if (result.ok)
    return message(
      200,
      `DHCP reservation '${result.data.removeDhcpReservation.macAddress}' removed successfully!`,
    );
  const failure = first(result.errors);
  if (isReason(failure, 'NETWORK_NOT_FOUND')) return networkNotFound(net);
  if (isReason(failure, 'RESERVATION_NOT_FOUND'))
    return message(510, `ERROR: No DHCP reservation exists matching '${match}'!`);
  return postFailure(failure);
};

async function listAcls(
  call: Call,
  net: string,
  limit: string | undefined,
  direction: string | undefined,
): Promise<ShimResponse> {
  const target = lookup(net);
  const result = await call.run(PvcAclsDocument, {
    vni: target.vni ?? null,
    description: target.description ?? null,
    direction: direction ?? null,
    matches: limit === undefined ? null : fuzzyPattern(limit),
  });
  if (!result.ok) {
    const failure = first(result.errors);
    if (isReason(failure, 'INVALID_DIRECTION'))
      return message(
        510,
        "ERROR: Direction must be either 'in' or 'out'; for both, do not specify a direction.",
      );
    return regexError(failure) ?? getFailure(failure);
  }
  if (!result.data.network) return networkNotFound(net);
  return json(200, result.data.network.acls.map(renderAcl));
}

const addAcl: Handler = async ({ params, values, run }) => {
  const net = params.net!;
  const description = params.acl!;
  const result = await run(PvcAddAclDocument, {
    network: lookup(net),
    acl: {
      description,
      direction: values.get('direction') ?? null,
      rule: values.get('rule') ?? null,
      order: values.get('order') ?? null,
    },
  });
  if (result.ok) return message(200, `Firewall rule '${description}' added successfully!`);
  const failure = first(result.errors);
  if (isReason(failure, 'DIRECTION_REQUIRED'))
    return message(510, 'ERROR: A direction must be specified for the ACL.');
  if (isReason(failure, 'INVALID_DIRECTION'))
    return message(510, "ERROR: Direction must be either 'in' or 'out'.");
  if (isReason(failure, 'RULE_REQUIRED', 'INVALID_RULE'))
    return message(510, 'ERROR: A valid NFT rule line must be specified for the ACL.');
  if (isReason(failure, 'INVALID_ORDER'))
    return message(400, 'ERROR: The ACL order must be a non-negative integer.');
  if (isReason(failure, 'INVALID_ACL_DESCRIPTION'))
    return message(510, 'ERROR: The ACL description is not valid.');
  if (isReason(failure, 'NETWORK_NOT_FOUND')) return networkNotFound(net);
  if (isReason(failure, 'RULE_EXISTS'))
    return message(510, `ERROR: A rule with description '${description}' already exists!`);
  return postFailure(failure);
};

const removeAcl: Handler = async ({ params, values, run }) => {
  const net = params.net!;
  const description = params.acl!;
  const result = await run(PvcRemoveAclDocument, {
    network: lookup(net),
    description,
    direction: optional(values, 'direction') ?? null,
  });
  if (result.ok) return message(200, `Firewall rule '${description}' removed successfully!`);
  const failure = first(result.errors);
  if (isReason(failure, 'INVALID_DIRECTION'))
    return message(510, "ERROR: Direction must be either 'in' or 'out'.");
  if (isReason(failure, 'NETWORK_NOT_FOUND')) return networkNotFound(net);
  if (isReason(failure, 'RULE_NOT_FOUND'))
    return message(510, `ERROR: No firewall rule exists matching description '${description}'!`);
  return postFailure(failure);
};

// ---------------------------------------------------------------------------------------------
// Ceph

/** Storage-node outcomes: a reported failure, or no answer in time. */
function cephOutcome(failure: GraphFailure, failed: string, ignored: string): ShimResponse {
  if (failure.code === 'BACKEND_TIMEOUT') return message(510, ignored);
  if (failure.code === 'BACKEND_FAILED' || failure.code === 'BAD_USER_INPUT' || failure.code === 'CONFLICT')
    return message(510, failed);
  return postFailure(failure);
}

const IGNORED = 'ERROR: Command ignored by node.';
const IGNORED_OSD = 'ERROR Command ignored by node.';
const IGNORED_REMOVE = 'ERROR: Command ignored by node: no answer from the storage node';

const cephStatus: Handler = async ({ run }) => {
  const result = await run(PvcCephStatusDocument, {});
  if (!result.ok) return getFailure(first(result.errors));
  return json(200, {
    ceph_status: result.data.cephStatus.text,
    primary_node: result.data.cephStatus.primaryNodeName ?? 'none',
  });
};

async function listOsds(call: Call, limit: string | undefined): Promise<ShimResponse> {
  const listed = await allPages(
    call,
    PvcOsdsDocument,
    { filter: limit === undefined ? null : { matches: fuzzyPattern(limit) } },
    (data) => data.cephOsds,
  );
  if (!listed.ok) return regexError(listed.failure) ?? getFailure(listed.failure);
  return json(200, listed.items.map(renderOsd));
}

function osdFlag(set: boolean): Handler {
  const word = set ? 'Set' : 'Unset';
  return async ({ values, run }) => {
    const option = values.get('option');
    if (option === undefined) return message(510, 'ERROR: An OSD option must be specified.');
    const result = set
      ? await run(PvcSetOsdFlagDocument, { flag: option })
      : await run(PvcUnsetOsdFlagDocument, { flag: option });
    if (result.ok) return message(200, `${word} OSD property ${option} on the cluster.`);
    return cephOutcome(
      first(result.errors),
      `ERROR: Failed to ${word.toLowerCase()} OSD property; check node logs for details.`,
      IGNORED_OSD,
    );
  };
}

const FLOAT = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

const addOsd: Handler = async ({ params, values, run }) => {
  const node = params.node!;
  const device = values.get('device');
  if (device === undefined) return message(510, 'ERROR: A block device must be specified.');
  const weight = values.get('weight');
  if (weight === undefined) return message(510, 'ERROR: An OSD weight must be specified.');
  const failed = 'ERROR: Failed to create new OSD; check node logs for details.';
  if (!FLOAT.test(weight.trim()) || !Number.isFinite(Number(weight))) return message(510, failed);
  const result = await run(PvcAddOsdDocument, { node, device, weight: Number(weight) });
  if (result.ok) return message(200, `Created new OSD with block device ${device} on node ${node}.`);
  const failure = first(result.errors);
  if (isReason(failure, 'NODE_NOT_FOUND'))
    return message(510, `ERROR: No node named '${node}' is present in the cluster.`);
  if (isReason(failure, 'DEVICE_IN_USE'))
    return message(
      510,
      `ERROR: Block device ${device} on node ${node} is used by OSD ${String(failure.extensions.osd)}`,
    );
  return cephOutcome(failure, failed, IGNORED);
};

const removeOsd: Handler = async ({ params, values, run }) => {
  const osd = params.osd!;
  if (!values.has('flag_yes_i_really_mean_it')) return message(599, CONFIRM);
  const result = await run(PvcRemoveOsdDocument, { id: osd });
  if (result.ok) return message(200, `Removed OSD ${osd} from the cluster.`);
  const failure = first(result.errors);
  if (isReason(failure, 'OSD_NOT_FOUND'))
    return message(510, `ERROR: No OSD with ID '${osd}' is present in the cluster.`);
  return cephOutcome(failure, 'ERROR: Failed to remove OSD; check node logs for details.', IGNORED_OSD);
};

function osdInOut(setIn: boolean): Handler {
  return async ({ params, run }) => {
    const osd = params.osd!;
    const result = setIn
      ? await run(PvcOsdInDocument, { id: osd })
      : await run(PvcOsdOutDocument, { id: osd });
    if (result.ok) return message(200, `Set OSD ${osd} ${setIn ? 'online' : 'offline'} in the cluster.`);
    const failure = first(result.errors);
    if (isReason(failure, 'OSD_NOT_FOUND'))
      return message(510, `ERROR: No OSD with ID '${osd}' is present in the cluster.`);
    return cephOutcome(
      failure,
      `ERROR: Failed to set OSD ${setIn ? 'online' : 'offline'}; check node logs for details.`,
      IGNORED_OSD,
    );
  };
}

async function listPools(call: Call, limit: string | undefined): Promise<ShimResponse> {
  const listed = await allPages(
    call,
    PvcPoolsDocument,
    { filter: limit === undefined ? null : { matches: fuzzyPattern(limit) } },
    (data) => data.cephPools,
  );
  if (!listed.ok) return regexError(listed.failure) ?? getFailure(listed.failure);
  return json(200, listed.items.map(renderPool));
}

const addPool: Handler = async ({ params, values, run }) => {
  const pool = params.pool!;
  const pgs = optional(values, 'pgs') ?? '128';
  const failed = 'ERROR: Failed to create new pool; check node logs for details.';
  if (!/^[0-9]{1,9}$/.test(pgs) || Number(pgs) < 1) return message(510, failed);
  const result = await run(PvcAddPoolDocument, { name: pool, pgs: Number(pgs) });
  if (result.ok) return message(200, `Created new RBD pool ${pool} with ${pgs} PGs.`);
  return cephOutcome(first(result.errors), failed, IGNORED);
};

const removePool: Handler = async ({ params, values, run }) => {
  const pool = params.pool!;
  if (!values.has('flag_yes_i_really_mean_it')) return message(599, CONFIRM);
  const result = await run(PvcRemovePoolDocument, { name: pool });
  if (result.ok) return message(200, `Removed RBD pool ${pool} and all volumes.`);
  const failure = first(result.errors);
  if (isReason(failure, 'POOL_NOT_FOUND'))
    return message(510, `ERROR: No pool with name '${pool}' is present in the cluster.`);
  return cephOutcome(failure, 'ERROR: Failed to remove pool; check node logs for details.', IGNORED_REMOVE);
};

const noPool = (pool: string) =>
  failureString(`ERROR: No pool with name "${pool}" is present in the cluster.`);

async function listVolumes(
  call: Call,
  pool: string | undefined,
  limit: string | undefined,
): Promise<ShimResponse> {
  const listed = await allPages(
    call,
    PvcVolumesDocument,
    { filter: { pool: pool ?? null, matches: limit === undefined ? null : fuzzyPattern(limit) } },
    (data) => data.rbdVolumes,
  );
  if (!listed.ok) {
    if (isReason(listed.failure, 'POOL_NOT_FOUND')) return noPool(pool ?? '');
    return regexError(listed.failure) ?? getFailure(listed.failure);
  }
  return json(200, listed.items.map(renderVolume));
}

const volumeInfo: Handler = async ({ params, run }) => {
  const pool = params.pool!;
  const result = await run(PvcVolumeDocument, { pool, name: params.volume! });
  if (!result.ok) {
    const failure = first(result.errors);
    return isReason(failure, 'POOL_NOT_FOUND') ? noPool(pool) : getFailure(failure);
  }
  return json(200, result.data.rbdVolume ? [renderVolume(result.data.rbdVolume)] : []);
};

const SIZE_MESSAGE = 'ERROR: A volume size in bytes (or with an M/G/T suffix) must be specified.';

const addVolume: Handler = async ({ params, values, run }) => {
  const pool = params.pool!;
  const volume = params.volume!;
  const size = values.get('size');
  if (size === undefined) return message(510, SIZE_MESSAGE);
  if (!/^[0-9]+[BKMGTP]?$/.test(size)) return message(400, SIZE_MESSAGE);
  const result = await run(PvcAddVolumeDocument, { pool, name: volume, size });
  if (result.ok) return message(200, `Created new RBD volume ${volume} of size ${size} on pool ${pool}.`);
  const failure = first(result.errors);
  if (isReason(failure, 'INVALID_SIZE')) return message(400, SIZE_MESSAGE);
  if (isReason(failure, 'POOL_NOT_FOUND'))
    return message(510, 'ERROR: Failed to create new volume; check node logs for details.');
  return cephOutcome(failure, 'ERROR: Failed to create new volume; check node logs for details.', IGNORED);
};

const removeVolume: Handler = async ({ params, run }) => {
  const pool = params.pool!;
  const volume = params.volume!;
  const result = await run(PvcRemoveVolumeDocument, { pool, name: volume });
  if (result.ok) return message(200, `Removed RBD volume ${volume} in pool ${pool}.`);
  const failure = first(result.errors);
  if (isReason(failure, 'VOLUME_NOT_FOUND', 'POOL_NOT_FOUND'))
    return message(510, `ERROR: No volume with name '${volume}' is present in pool ${pool}.`);
  return cephOutcome(failure, 'ERROR: Failed to remove volume; check node logs for details.', IGNORED_REMOVE);
};

function snapshotLookupFailure(failure: GraphFailure, pool: string, volume: string): ShimResponse {
  if (isReason(failure, 'POOL_NOT_FOUND')) return noPool(pool);
  if (isReason(failure, 'VOLUME_NOT_FOUND'))
    return failureString(`ERROR: No volume with name "${volume}" is present in the cluster.`);
  return regexError(failure) ?? getFailure(failure);
}

async function listSnapshots(call: Call, values: Values): Promise<ShimResponse> {
  const pool = optional(values, 'pool');
  const volume = optional(values, 'volume');
  const limit = optional(values, 'limit');
  const listed = await allPages(
    call,
    PvcSnapshotsDocument,
    {
      filter: {
        pool: pool ?? null,
        volume: volume ?? null,
        matches: limit === undefined ? null : fuzzyPattern(limit),
      },
    },
    (data) => data.rbdSnapshots,
  );
  if (!listed.ok) return snapshotLookupFailure(listed.failure, pool ?? '', volume ?? '');
  return json(
    200,
    listed.items.map((snapshot) => snapshot.id),
  );
}

const snapshotInfo: Handler = async ({ params, run }) => {
  const { pool, volume, snapshot } = params as { pool: string; volume: string; snapshot: string };
  const result = await run(PvcSnapshotDocument, { pool, volume, name: snapshot });
  if (!result.ok) return snapshotLookupFailure(first(result.errors), pool, volume);
  return json(200, result.data.rbdSnapshot ? [result.data.rbdSnapshot.id] : []);
};

const addSnapshot: Handler = async ({ params, run }) => {
  const { pool, volume, snapshot } = params as { pool: string; volume: string; snapshot: string };
  const result = await run(PvcAddSnapshotDocument, { pool, volume, name: snapshot });
  if (result.ok)
    return message(200, `Created new RBD snapshot ${snapshot} of volume ${volume} on pool ${pool}.`);
  return cephOutcome(
    first(result.errors),
    'ERROR: Failed to create new snapshot; check node logs for details.',
    IGNORED,
  );
};

const removeSnapshot: Handler = async ({ params, run }) => {
  const { pool, volume, snapshot } = params as { pool: string; volume: string; snapshot: string };
  const result = await run(PvcRemoveSnapshotDocument, { pool, volume, name: snapshot });
  if (result.ok) return message(200, `Removed RBD snapshot ${snapshot} and all volumes.`);
  const failure = first(result.errors);
  if (isReason(failure, 'SNAPSHOT_NOT_FOUND', 'VOLUME_NOT_FOUND', 'POOL_NOT_FOUND'))
    return message(
      510,
      `ERROR: No snapshot with name '${snapshot}' is present of volume ${volume} on pool ${pool}.`,
    );
  return cephOutcome(
    failure,
    'ERROR: Failed to remove snapshot; check node logs for details.',
    IGNORED_REMOVE,
  );
};

// ---------------------------------------------------------------------------------------------
// The table (paths below /api/v1)

const GET = ['GET'] as const;
const POST = ['POST'] as const;

export const ROUTES: readonly PvcRoute[] = [
  { methods: GET, path: 'node', handler: (call) => listNodes(call, optional(call.values, 'limit')) },
  { methods: GET, path: 'node/:node', handler: (call) => listNodes(call, call.params.node) },
  { methods: POST, path: 'node/:node/secondary', handler: routerMode('SECONDARY') },
  { methods: POST, path: 'node/:node/primary', handler: routerMode('PRIMARY') },
  { methods: POST, path: 'node/:node/flush', handler: nodeFlush(true) },
  { methods: POST, path: 'node/:node/unflush', handler: nodeFlush(false) },
  { methods: POST, path: 'node/:node/ready', handler: nodeFlush(false) },

  {
    methods: GET,
    path: 'vm',
    handler: (call) => {
      const limit = optional(call.values, 'limit');
      return listVms(call, {
        pattern: limit === undefined ? undefined : fuzzyPattern(limit),
        node: optional(call.values, 'node'),
        state: optional(call.values, 'state'),
      });
    },
  },
  {
    methods: GET,
    path: 'vm/:vm',
    handler: (call) =>
      listVms(call, { pattern: startAnchored(call.params.vm!), node: undefined, state: undefined }),
  },
  { methods: POST, path: 'vm/:vm/define', handler: defineVm },
  { methods: POST, path: 'vm/:vm/modify', handler: modifyVm },
  { methods: POST, path: 'vm/:vm/undefine', handler: vmRemoval(false) },
  { methods: POST, path: 'vm/:vm/remove', handler: vmRemoval(true) },
  { methods: GET, path: 'vm/:vm/dump', handler: dumpVm },
  {
    methods: POST,
    path: 'vm/:vm/start',
    handler: vmAction(PvcStartVmDocument, (vm) => `Starting VM '${vm}'.`),
  },
  {
    methods: POST,
    path: 'vm/:vm/restart',
    handler: vmAction(PvcRestartVmDocument, (vm) => `Restarting VM '${vm}'.`),
  },
  {
    methods: POST,
    path: 'vm/:vm/shutdown',
    handler: vmAction(PvcShutdownVmDocument, (vm) => `Shutting down VM '${vm}'.`),
  },
  {
    methods: POST,
    path: 'vm/:vm/stop',
    handler: vmAction(PvcStopVmDocument, (vm) => `Forcibly stopping VM '${vm}'.`),
  },
  { methods: POST, path: 'vm/:vm/move', handler: placement('move') },
  { methods: POST, path: 'vm/:vm/migrate', handler: placement('migrate') },
  { methods: POST, path: 'vm/:vm/unmigrate', handler: unmigrateVm },

  { methods: GET, path: 'network', handler: (call) => listNetworks(call, optional(call.values, 'limit')) },
  { methods: GET, path: 'network/:net', handler: (call) => listNetworks(call, call.params.net) },
  { methods: POST, path: 'network/:net/add', handler: addNetwork },
  { methods: POST, path: 'network/:net/modify', handler: modifyNetwork },
  { methods: POST, path: 'network/:net/remove', handler: removeNetwork },
  {
    methods: GET,
    path: 'network/:net/dhcp',
    handler: (call) =>
      listLeases(call, call.params.net!, optional(call.values, 'limit'), call.values.has('flag_static')),
  },
  {
    methods: GET,
    path: 'network/:net/dhcp/:mac',
    handler: (call) => listLeases(call, call.params.net!, call.params.mac, false),
  },
  { methods: POST, path: 'network/:net/dhcp/:mac/add', handler: addReservation },
  { methods: POST, path: 'network/:net/dhcp/:mac/remove', handler: removeReservation },
  {
    methods: GET,
    path: 'network/:net/acl',
    handler: (call) =>
      listAcls(call, call.params.net!, optional(call.values, 'limit'), optional(call.values, 'direction')),
  },
  {
    methods: GET,
    path: 'network/:net/acl/:acl',
    handler: (call) => listAcls(call, call.params.net!, call.params.acl, undefined),
  },
  { methods: POST, path: 'network/:net/acl/:acl/add', handler: addAcl },
  { methods: POST, path: 'network/:net/acl/:acl/remove', handler: removeAcl },

  { methods: GET, path: 'ceph', handler: cephStatus },
  { methods: GET, path: 'ceph/osd', handler: (call) => listOsds(call, optional(call.values, 'limit')) },
  { methods: GET, path: 'ceph/osd/:osd', handler: (call) => listOsds(call, call.params.osd) },
  { methods: POST, path: 'ceph/osd/set', handler: osdFlag(true) },
  { methods: POST, path: 'ceph/osd/unset', handler: osdFlag(false) },
  { methods: POST, path: 'ceph/osd/:node/add', handler: addOsd },
  { methods: POST, path: 'ceph/osd/:osd/remove', handler: removeOsd },
  { methods: POST, path: 'ceph/osd/:osd/in', handler: osdInOut(true) },
  { methods: POST, path: 'ceph/osd/:osd/out', handler: osdInOut(false) },
  { methods: GET, path: 'ceph/pool', handler: (call) => listPools(call, optional(call.values, 'limit')) },
  { methods: GET, path: 'ceph/pool/:pool', handler: (call) => listPools(call, call.params.pool) },
  { methods: POST, path: 'ceph/pool/:pool/add', handler: addPool },
  { methods: POST, path: 'ceph/pool/:pool/remove', handler: removePool },
  {
    methods: GET,
    path: 'ceph/volume',
    handler: (call) => listVolumes(call, optional(call.values, 'pool'), optional(call.values, 'limit')),
  },
  { methods: GET, path: 'ceph/volume/:pool/:volume', handler: volumeInfo },
  { methods: POST, path: 'ceph/volume/:pool/:volume/add', handler: addVolume },
  { methods: POST, path: 'ceph/volume/:pool/:volume/remove', handler: removeVolume },
  { methods: GET, path: 'ceph/volume/snapshot', handler: (call) => listSnapshots(call, call.values) },
  { methods: GET, path: 'ceph/volume/snapshot/:pool/:volume/:snapshot', handler: snapshotInfo },
  { methods: POST, path: 'ceph/volume/snapshot/:pool/:volume/:snapshot/add', handler: addSnapshot },
  { methods: POST, path: 'ceph/volume/snapshot/:pool/:volume/:snapshot/remove', handler: removeSnapshot },
];
