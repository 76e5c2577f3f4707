/**
 * Validation rules of the vms domain: names, UUIDs, MAC addresses, states and how a VM is
 * addressed. Names reach CLI programs in real drivers, so they are strict.
 */
import { badInput } from '../../errors/index.js';
import type { VmStateName } from './source.js';

/** VM, node and pool-member names: letters, digits, `.`, `_`, `-`; starts with a letter or digit; ≤ 63. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
/** A canonical UUID (either case). */
export const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** What PVC takes for a UUID in a path: 32 hex digits, optionally hyphenated, braced or `urn:uuid:`. */
const UUID_FORM =
  /^(?:urn:uuid:)?\{?[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}\}?$/;
/** Six `:`-separated pairs of hexadecimal digits. */
export const MAC_PATTERN = /^[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}$/;
/** Pool ids are opaque identifiers (UUIDs in practice), never part of a path or DN. */
const POOL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** User ids and group names as the users domain issues them. */
const PRINCIPAL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;

export const VM_STATES: readonly VmStateName[] = [
  'start',
  'restart',
  'shutdown',
  'stop',
  'failed',
  'migrate',
  'unmigrate',
];

/** States in which a VM holds resources on its node (as the nodes domain counts allocation). */
export const ACTIVE_STATES = (state: string) => !['stop', 'shutdown', 'failed'].includes(state);

export function checkVmName(name: string, argument = 'name'): string {
  if (!NAME_PATTERN.test(name)) {
    throw badInput(
      `'${name}' is not a valid VM name (letters, digits, '.', '_', '-', starting with a letter or digit, at most 63)`,
      { reason: 'INVALID_NAME', argument, name },
    );
  }
  return name;
}

export function checkNodeName(name: string, argument = 'node'): string {
  if (!NAME_PATTERN.test(name)) {
    throw badInput(`'${name}' is not a valid node name`, { reason: 'INVALID_NAME', argument, name });
  }
  return name;
}

export function checkPoolId(id: string, argument = 'pool'): string {
  if (!POOL_ID_PATTERN.test(id)) {
    throw badInput(`'${id}' is not a valid pool id`, { reason: 'INVALID_POOL_ID', argument, pool: id });
  }
  return id;
}

export function checkPrincipalId(id: string, argument: string): string {
  if (!PRINCIPAL_ID_PATTERN.test(id)) {
    throw badInput(`'${id}' is not a valid user id or group name`, {
      reason: 'INVALID_NAME',
      argument,
      name: id,
    });
  }
  return id;
}

/** A MAC address, lower-cased; BAD_USER_INPUT reason INVALID_MAC otherwise. */
export function checkMac(mac: string, argument = 'mac'): string {
  if (!MAC_PATTERN.test(mac)) {
    throw badInput(`'${mac}' is not a valid MAC address`, { reason: 'INVALID_MAC', argument, mac });
  }
  return mac.toLowerCase();
}

/** A legacy state word; BAD_USER_INPUT reason INVALID_VM_STATE otherwise. */
export function checkStateWord(state: string): VmStateName {
  if (!(VM_STATES as readonly string[]).includes(state)) {
    throw badInput(`VM state "${state}" is not valid.`, { reason: 'INVALID_VM_STATE', state });
  }
  return state as VmStateName;
}

/**
 * How a VM reference is looked up: a value of UUID form is compared with stored UUIDs exactly,
 * anything else is an exact name.
 */
export function vmReferenceKind(reference: string): 'uuid' | 'name' {
  return UUID_FORM.test(reference) ? 'uuid' : 'name';
}
