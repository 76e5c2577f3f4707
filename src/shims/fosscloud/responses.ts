/**
 * Pure renderers of vm-manager answers: the `{status, code, devDescription}` envelope, the VM and
 * realm objects, and the error table of the contract.
 */
import type { ShimResponse } from '../kit/index.js';
import type { FosscloudPoolFragment, FosscloudVmFragment } from '../__generated__/graphql.js';
import { encodePhpJson, type PhpJson } from './json.js';

/** Every error answer of the contract: HTTP status, code, devDescription. */
export const ERRORS = {
  httpAuthMissing: [400, 400002, 'HTTP-Auth missing'],
  credentialsEmpty: [400, 400005, 'Password or username empty'],
  incorrectCredentials: [401, 401003, 'Incorrect credentials'],
  incorrectRealm: [401, 401004, 'Incorrect realm'],
  unknownAction: [404, 404000, 'Unkown action'],
  notEnabled: [500, 500022, 'You have to enable the api in vm_config.php'],
  noDefaultRealm: [500, 500023, 'You have to set a default realm in vm_config.php'],
  unknownType: [400, 400032, 'Unkown type - Use nothing,all(default),dynamic,persistent'],
  listAllForbidden: [403, 403033, "The user doesn't have permission to list all vms"],
  poolNotFound: [400, 400042, 'VM pool not found'],
  noFreeVm: [500, 500043, 'No free vm available'],
  listMacByParameter: [403, 403056, 'MacByParameter is disabled in config'],
  listNoSchoolModule: [500, 500052, "The school module isn't available"],
  listInvalidMac: [400, 400055, "Invalid macaddress or don't connected locally"],
  listNotDynVmUser: [400, 400053, "You've to use the dynvmuser"],
  listNoVmForMac: [400, 400054, "There's no vm for this mac available"],
  assignMacByParameter: [403, 403066, 'MacByParameter is disabled in config'],
  assignNoSchoolModule: [500, 500062, "The school module isn't available"],
  assignInvalidMac: [400, 400065, "Invalid macaddress or don't connected locally"],
  assignNotDynVmUser: [400, 400063, "You've to use the dynvmuser"],
  assignNoVmForMac: [400, 400064, "There's no vm for this mac available"],
  assignPoolInvalid: [400, 400066, "This pool isn't valid"],
  assignAlreadyAssigned: [400, 400067, 'The user is already assigned to this mapped vm'],
} as const satisfies Record<string, readonly [number, number, string]>;

export type FosscloudError = keyof typeof ERRORS;

function reply(status: number, body: PhpJson): ShimResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: encodePhpJson(body) };
}

export function errorResponse(error: FosscloudError): ShimResponse {
  const [status, code, devDescription] = ERRORS[error];
  return reply(status, { status, code, devDescription });
}

/** The generic failure: code 500000 with HTTP status 400, and a one-line description. */
export function failureResponse(description: string): ShimResponse {
  const line = description.replace(/\s+/g, ' ').trim() || 'Unexpected failure';
  return reply(400, { status: 400, code: 500000, devDescription: line });
}

export function successResponse(code: number, data?: { [member: string]: PhpJson }): ShimResponse {
  return reply(200, { status: 200, code, ...data });
}

export interface RealmView {
  id: string;
  name: string;
}

/** §7.2: `default` follows the configured default realm, not the graph's flag. */
export function realmObject(realm: RealmView, defaultRealm: string): PhpJson {
  return { uid: realm.id, displayName: realm.name, default: realm.id === defaultRealm };
}

export type VmStatus = 'online' | 'offline' | 'assigned' | 'assignable';

/**
 * §7.1 VM object. `serverAddress` replaces a node address of `0.0.0.0` (the node then announces
 * the address the client reached the server on).
 */
export function vmObject(
  vm: FosscloudVmFragment,
  options: { name?: string; status: VmStatus | null; serverAddress: string; hideConsole?: boolean },
): PhpJson {
  const hide = options.hideConsole === true;
  const address = vm.node ? (vm.node.address ?? vm.node.name) : null;
  return {
    uuid: vm.uuid,
    name: options.name ?? vm.name,
    ip: hide || address === null ? null : address === '0.0.0.0' ? options.serverAddress : address,
    node: hide ? null : (vm.node?.name ?? null),
    port: hide || vm.console?.port == null ? null : vm.console.port,
    password: hide ? null : (vm.console?.password ?? null),
    status: hide ? null : options.status,
    type: vm.type === 'DYNAMIC' ? 'dynamic' : 'persistent',
    subtype: vm.subtype,
    os: vm.os,
    pool: vm.poolId,
  };
}

/** A dynamic pool the user may use but has no VM from yet. */
export function placeholderObject(pool: FosscloudPoolFragment | null): PhpJson {
  return {
    uuid: null,
    name: pool?.name ?? null,
    ip: null,
    node: null,
    port: null,
    password: null,
    status: 'assignable',
    type: 'dynamic',
    subtype: null,
    os: null,
    pool: pool?.id ?? null,
  };
}
