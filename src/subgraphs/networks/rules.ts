/**
 * The networks domain's rules as pure functions: name and address formats, VNI and order
 * parsing, defaults. Used by the resolvers and by importers (so a datacenter description obeys
 * the same rules as the API).
 */
import { isIPv6 } from 'node:net';
import { badInput } from '../../errors/index.js';

/** Highest VXLAN network identifier (24 bits). */
export const MAX_VNI = 16_777_215;

/** Network and ACL descriptions: never starting with `-`, no whitespace or shell metacharacters. */
export const DESCRIPTION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
/** DNS domain names. */
export const DOMAIN_PATTERN =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
/** DHCP host names. */
export const HOSTNAME_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62})$/;
/** A MAC address after lower-casing: six `:`-separated hexadecimal pairs. */
export const MAC_PATTERN = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/;
/** Longest nft rule line accepted. */
export const MAX_RULE_LENGTH = 1024;

/** Four `.`-separated groups of ASCII digits, each at most 255 (leading zeros allowed, as PVC did). */
export function isIpv4Address(value: string): boolean {
  const groups = value.split('.');
  return groups.length === 4 && groups.every((group) => /^[0-9]{1,3}$/.test(group) && Number(group) <= 255);
}

/** `a.b.c.d/len` with len 0–32. */
export function isIpv4Network(value: string): boolean {
  const match = /^([^/]+)\/([0-9]{1,2})$/.exec(value);
  return !!match && isIpv4Address(match[1]!) && Number(match[2]) <= 32;
}

/** An IPv6 address without zone index. */
export function isIpv6Address(value: string): boolean {
  return !value.includes('%') && isIPv6(value);
}

/** `addr/len` with len 0–128. */
export function isIpv6Network(value: string): boolean {
  const match = /^([^/]+)\/([0-9]{1,3})$/.exec(value);
  return !!match && isIpv6Address(match[1]!) && Number(match[2]) <= 128;
}

/** PVC's default IPv6 gateway: the network's address part followed by `1` (`fd00:100::/64` → `fd00:100::1`). */
export function defaultIpv6Gateway(ip6Network: string): string {
  return `${ip6Network.split('/')[0]}1`;
}

/** PVC's default domain of a network. */
export function defaultDomain(description: string): string {
  return `${description}.local`;
}

/** The Linux bridge of a network. */
export function bridgeOf(vni: number): string {
  return `vmbr${vni}`;
}

/** Parses a VNI given as text or number: decimal digits, 1 to MAX_VNI; BAD_USER_INPUT INVALID_VNI otherwise. */
export function parseVni(value: string | number, argument = 'vni'): number {
  const text = String(value);
  const vni = /^[0-9]{1,8}$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(vni) || vni < 1 || vni > MAX_VNI) {
    throw badInput(`VNI '${text}' is not valid: it must be a whole number from 1 to ${MAX_VNI}.`, {
      reason: 'INVALID_VNI',
      argument,
      vni: text,
    });
  }
  return vni;
}

/** Lower-cases a MAC address; null when it is not six `:`-separated hexadecimal pairs. */
export function normalizeMac(value: string): string | null {
  const mac = value.toLowerCase();
  return MAC_PATTERN.test(mac) ? mac : null;
}

/** Whether an nft rule line is acceptable: non-empty, bounded, one line without control characters. */
export function isRuleLine(value: string): boolean {
  // eslint-disable-next-line no-control-regex
  return value.trim().length > 0 && value.length <= MAX_RULE_LENGTH && !/[\u0000-\u001f\u007f]/.test(value);
}

/** `in` or `out` exactly; BAD_USER_INPUT INVALID_DIRECTION otherwise. */
export function checkDirection(value: string, argument = 'direction'): 'in' | 'out' {
  if (value !== 'in' && value !== 'out') {
    throw badInput(`Direction '${value}' is not valid: it must be either 'in' or 'out'.`, {
      reason: 'INVALID_DIRECTION',
      argument,
      direction: value,
    });
  }
  return value;
}
