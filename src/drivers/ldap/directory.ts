/**
 * A pool of service connections to one LDAP directory, and the typed errors of its failures.
 * Filters are built with ldapts' `escapeFilter`, DNs with its `DN` class; the service account
 * binds with its configured (never empty) password. A connection the server dropped (restart)
 * is replaced on next use; an unreachable server is BACKEND_UNAVAILABLE.
 */
import {
  AlreadyExistsError,
  Client,
  DN,
  InvalidCredentialsError,
  NoSuchObjectError,
  ResultCodeError,
  type Change,
  type Entry,
} from 'ldapts';
import { BackendError } from '../../errors/index.js';

export interface DirectorySettings {
  url: string;
  bindDN: string;
  bindPassword: string;
  timeoutMs: number;
  poolSize: number;
}

export type DirectoryEntry = Entry;

/** The message FOSS-Cloud's PHP printed for an unreachable directory (the shim passes it on). */
export function unreachable(url: string, cause?: unknown): BackendError {
  return new BackendError('BACKEND_UNAVAILABLE', `ldap_connect to ${url} failed`, {}, describe(cause));
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** An LDAP result (the server answered) as opposed to a transport failure. */
function isResult(error: unknown): error is ResultCodeError {
  return error instanceof ResultCodeError;
}

export class Directory {
  private readonly slots: (Promise<Client> | null)[];
  private next = 0;
  private closed = false;

  constructor(readonly settings: DirectorySettings) {
    if (settings.bindPassword === '') throw new Error('The LDAP service account needs a password');
    this.slots = Array.from({ length: settings.poolSize }, () => null);
  }

  /** A new client with the configured timeouts (also for user binds and external realms). */
  client(url = this.settings.url): Client {
    return new Client({ url, timeout: this.settings.timeoutMs, connectTimeout: this.settings.timeoutMs });
  }

  private async connect(): Promise<Client> {
    const client = this.client();
    try {
      await client.bind(this.settings.bindDN, this.settings.bindPassword);
      return client;
    } catch (error) {
      await client.unbind().catch(() => undefined);
      if (error instanceof InvalidCredentialsError) {
        throw new BackendError(
          'BACKEND_FAILED',
          'The directory refused the service account of cloudfed',
          {},
          describe(error),
        );
      }
      throw unreachable(this.settings.url, error);
    }
  }

  private async acquire(slot: number): Promise<Client> {
    let pending = this.slots[slot];
    if (pending) {
      const client = await pending.catch(() => null);
      // A dropped connection would silently reconnect unauthenticated: replace it instead.
      if (client && client.isConnected) return client;
      if (this.slots[slot] === pending) this.slots[slot] = null;
      client?.unbind().catch(() => undefined);
    }
    pending = this.slots[slot] ?? this.connect();
    this.slots[slot] = pending;
    try {
      return await pending;
    } catch (error) {
      if (this.slots[slot] === pending) this.slots[slot] = null;
      throw error;
    }
  }

  private drop(slot: number): void {
    const pending = this.slots[slot];
    this.slots[slot] = null;
    pending?.then((client) => client.unbind()).catch(() => undefined);
  }

  /**
   * Runs `operation` on a pooled service connection. LDAP result errors reach the caller as
   * they are; a transport failure drops the connection and, for reads, is retried once on a
   * fresh one before becoming BACKEND_UNAVAILABLE.
   */
  async use<T>(operation: (client: Client) => Promise<T>, options: { retry: boolean }): Promise<T> {
    if (this.closed) throw unreachable(this.settings.url, new Error('closed'));
    const attempts = options.retry ? 2 : 1;
    let last: unknown;
    for (let attempt = 0; attempt < attempts; attempt++) {
      const slot = this.next++ % this.slots.length;
      const client = await this.acquire(slot);
      try {
        return await operation(client);
      } catch (error) {
        if (isResult(error)) throw error;
        if (error instanceof BackendError) throw error;
        this.drop(slot);
        last = error;
      }
    }
    throw unreachable(this.settings.url, last);
  }

  /** Entries under `base` matching `filter` (an escaped filter string); none when `base` is absent. */
  async search(
    base: string,
    filter: string,
    options: { scope?: 'base' | 'one' | 'sub'; attributes?: string[] } = {},
  ): Promise<Entry[]> {
    try {
      return await this.use(
        async (client) =>
          (
            await client.search(base, {
              scope: options.scope ?? 'one',
              filter,
              ...(options.attributes ? { attributes: options.attributes } : {}),
            })
          ).searchEntries,
        { retry: true },
      );
    } catch (error) {
      if (error instanceof NoSuchObjectError) return [];
      throw this.failure(error, 'search');
    }
  }

  /** Adds an entry; false when it exists already. */
  async add(dn: string, attributes: Record<string, string | string[]>): Promise<boolean> {
    try {
      await this.use((client) => client.add(dn, attributes), { retry: false });
      return true;
    } catch (error) {
      if (error instanceof AlreadyExistsError) return false;
      throw this.failure(error, 'add');
    }
  }

  /** Modifies an entry; false when it does not exist. */
  async modify(dn: string, changes: Change[]): Promise<boolean> {
    try {
      await this.use((client) => client.modify(dn, changes), { retry: false });
      return true;
    } catch (error) {
      if (error instanceof NoSuchObjectError) return false;
      throw this.failure(error, 'modify');
    }
  }

  /** Deletes an entry; false when it does not exist. Other result errors are thrown as they are. */
  async del(dn: string): Promise<boolean> {
    try {
      await this.use((client) => client.del(dn), { retry: false });
      return true;
    } catch (error) {
      if (error instanceof NoSuchObjectError) return false;
      if (isResult(error)) throw error;
      throw this.failure(error, 'delete');
    }
  }

  /** Typed error for anything else the directory reported. */
  failure(error: unknown, operation: string): Error {
    if (error instanceof BackendError) return error;
    if (isResult(error)) {
      return new BackendError(
        'BACKEND_FAILED',
        `The directory refused the ${operation} (LDAP result ${error.code})`,
        {},
        describe(error),
      );
    }
    return unreachable(this.settings.url, error);
  }

  /** Whether the directory answers (for /readyz). */
  async ready(): Promise<boolean> {
    try {
      await this.use((client) => client.search('', { scope: 'base', filter: '(objectClass=*)' }), {
        retry: true,
      });
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots.splice(0);
    await Promise.all(
      slots.map((pending) => pending?.then((client) => client.unbind()).catch(() => undefined)),
    );
  }
}

/** `attr=value,parent` with the value escaped by ldapts. */
export function childDN(attribute: string, value: string, parent: string): string {
  return `${new DN({ [attribute]: value }).toString()},${parent}`;
}

/** The first value of an attribute as text, or null. */
export function first(entry: Entry, attribute: string): string | null {
  const value = entry[attribute];
  if (value === undefined) return null;
  const item = Array.isArray(value) ? value[0] : value;
  if (item === undefined) return null;
  return Buffer.isBuffer(item) ? item.toString('utf8') : String(item);
}

/** Every value of an attribute as text, in the order the server gave them. */
export function all(entry: Entry, attribute: string): string[] {
  const value = entry[attribute];
  if (value === undefined) return [];
  const items = Array.isArray(value) ? value : [value];
  return items.map((item) => (Buffer.isBuffer(item) ? item.toString('utf8') : String(item)));
}

export { escapeFilter } from 'ldapts';
