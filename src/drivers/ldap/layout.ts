/**
 * Where things live in the directory (close to FOSS-Cloud's tree) and the helpers shared by the
 * users and vms sources.
 */
import { Attribute, Change } from 'ldapts';
import { BackendError } from '../../errors/index.js';

export class Layout {
  readonly people: string;
  readonly roles: string;
  readonly virtualization: string;
  readonly realms: string;
  readonly vms: string;
  readonly pools: string;
  readonly macs: string;
  readonly settings: string;

  constructor(readonly base: string) {
    this.people = `ou=people,${base}`;
    this.roles = `ou=roles,${base}`;
    this.virtualization = `ou=virtualization,ou=services,${base}`;
    this.realms = `ou=authentication,${this.virtualization}`;
    this.vms = `ou=virtual machines,${this.virtualization}`;
    this.pools = `ou=virtual machine pools,${this.virtualization}`;
    this.macs = `ou=mac mappings,${this.virtualization}`;
    this.settings = `cn=settings,${this.virtualization}`;
  }
}

/** A method the LDAP driver cannot serve: a typed, clear failure instead of a silent no-op. */
export function unsupported(domain: 'users' | 'vms', operation: string): BackendError {
  return new BackendError(
    'BACKEND_FAILED',
    `The LDAP ${domain} driver does not support ${operation}; FOSS-Cloud's own tools manage that in the directory`,
    { reason: 'NOT_SUPPORTED_BY_DRIVER', driver: 'ldap', operation },
  );
}

export function replace(type: string, values: readonly string[]): Change {
  return new Change({ operation: 'replace', modification: new Attribute({ type, values: [...values] }) });
}

export function addValues(type: string, values: readonly string[]): Change {
  return new Change({ operation: 'add', modification: new Attribute({ type, values: [...values] }) });
}

export function deleteValues(type: string, values: readonly string[]): Change {
  return new Change({ operation: 'delete', modification: new Attribute({ type, values: [...values] }) });
}

export const bool = (value: boolean): string => (value ? 'TRUE' : 'FALSE');

/** `YYYYMMDDHHMMSSZ`, the generalized time LDAP stores. */
export function generalizedTime(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:T]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

export function parseGeneralizedTime(text: string | null): Date {
  const match = text ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})/.exec(text) : null;
  if (!match) return new Date(0);
  const [, y, mo, d, h, mi, s] = match;
  return new Date(Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!));
}

/** `(|(a=v1)(a=v2))` from already escaped terms; `(!(objectClass=*))` (nothing) for none. */
export function anyOf(terms: readonly string[]): string {
  if (terms.length === 0) return '(!(objectClass=*))';
  return terms.length === 1 ? terms[0]! : `(|${terms.join('')})`;
}
