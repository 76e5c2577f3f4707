/**
 * A real OpenLDAP slapd for tests: its own temporary directory, a generated slapd.conf with the
 * project's schema, databases loaded with slapadd, a free loopback port; it can be stopped and
 * restarted on the same port. A slapd that cannot start fails the suite loudly.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SCHEMA_FILE = fileURLToPath(new URL('../../src/drivers/ldap/fosscloud.schema', import.meta.url));

const SBIN = ['/usr/sbin', '/usr/local/sbin', '/usr/bin'];

function program(name: string): string {
  for (const dir of SBIN) if (existsSync(join(dir, name))) return join(dir, name);
  throw new Error(
    `${name} is not installed (Debian packages slapd and ldap-utils): run test/support/install-system-packages.sh`,
  );
}

export interface SlapdDatabase {
  suffix: string;
  rootDN: string;
  rootPassword: string;
  /** LDIF loaded with slapadd before the first start. */
  ldif: string;
}

export interface Slapd {
  url: string;
  port: number;
  dir: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  restart(): Promise<void>;
  /** Stops slapd and removes its directory. */
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts slapd with these databases; give a function to seed entries that name the directory's
 * own URL (chosen before the seed is written).
 */
export async function startSlapd(
  seed: readonly SlapdDatabase[] | ((url: string) => readonly SlapdDatabase[]),
): Promise<Slapd> {
  const slapd = program('slapd');
  const slapadd = program('slapadd');
  const port = await freePort();
  const url = `ldap://127.0.0.1:${port}`;
  const databases = typeof seed === 'function' ? seed(url) : seed;
  const dir = mkdtempSync(join(tmpdir(), 'cloudfed-slapd-'));
  const modulePath = [
    '/usr/lib/ldap',
    '/usr/lib/x86_64-linux-gnu/ldap',
    '/usr/lib/aarch64-linux-gnu/ldap',
  ].find((path) => existsSync(join(path, 'back_mdb.so')) || existsSync(join(path, 'back_mdb.la')));
  const conf = [
    'include /etc/ldap/schema/core.schema',
    'include /etc/ldap/schema/cosine.schema',
    'include /etc/ldap/schema/inetorgperson.schema',
    `include ${SCHEMA_FILE}`,
    `pidfile ${join(dir, 'slapd.pid')}`,
    `argsfile ${join(dir, 'slapd.args')}`,
    ...(modulePath ? [`modulepath ${modulePath}`, 'moduleload back_mdb'] : []),
    // Passwords are only ever compared by a bind; everything else needs an authenticated reader.
    'access to attrs=userPassword,sstLDAPBindPassword by anonymous auth by * none',
    'access to * by users read by * none',
  ];
  databases.forEach((database, index) => {
    const dbDir = join(dir, `db${index}`);
    mkdirSync(dbDir);
    conf.push(
      'database mdb',
      'maxsize 33554432',
      `suffix "${database.suffix}"`,
      `rootdn "${database.rootDN}"`,
      `rootpw ${database.rootPassword}`,
      `directory ${dbDir}`,
      'index objectClass eq',
    );
  });
  const confFile = join(dir, 'slapd.conf');
  writeFileSync(confFile, conf.join('\n') + '\n');
  for (const [index, database] of databases.entries()) {
    const ldifFile = join(dir, `seed${index}.ldif`);
    writeFileSync(ldifFile, database.ldif);
    const added = spawnSync(slapadd, ['-f', confFile, '-b', database.suffix, '-l', ldifFile], {
      encoding: 'utf8',
    });
    if (added.status !== 0) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`slapadd failed for ${database.suffix} (${added.status}): ${added.stderr}`);
    }
  }

  let child: ChildProcess | null = null;
  let output = '';

  async function start(): Promise<void> {
    if (child) return;
    output = '';
    // -d 0: stay in the foreground (a child the tests own), logging nothing but fatal errors.
    const proc = spawn(slapd, ['-f', confFile, '-h', `${url}/`, '-d', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    proc.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child = proc;
    let exited = false;
    proc.once('exit', () => {
      exited = true;
      if (child === proc) child = null;
    });
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (exited) throw new Error(`slapd exited at start: ${output.slice(-2000)}`);
      if (await canConnect(port)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    proc.kill('SIGKILL');
    throw new Error(`slapd did not listen on ${url} within 15 s: ${output.slice(-2000)}`);
  }

  async function stop(): Promise<void> {
    const proc = child;
    if (!proc) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      proc.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      proc.kill('SIGTERM');
    });
    child = null;
  }

  try {
    await start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    port,
    dir,
    start,
    stop,
    async restart() {
      await stop();
      await start();
    },
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** LDIF text from entries: each a DN and its attributes (arrays for multiple values). */
export function ldif(
  entries: readonly { dn: string; [attribute: string]: string | readonly string[] }[],
): string {
  return (
    entries
      .map(({ dn, ...attributes }) => {
        const lines = [`dn: ${dn}`];
        for (const [name, value] of Object.entries(attributes)) {
          for (const item of Array.isArray(value) ? value : [value as string]) {
            lines.push(
              /^[\x21-\x39\x3b\x3d-\x7e][\x20-\x7e]*$/.test(item) && !item.endsWith(' ')
                ? `${name}: ${item}`
                : `${name}:: ${Buffer.from(item, 'utf8').toString('base64')}`,
            );
          }
        }
        return lines.join('\n');
      })
      .join('\n\n') + '\n'
  );
}
