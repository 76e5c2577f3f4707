import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { BackendError } from '../../errors/index.js';
import { MIGRATIONS } from './migrations/index.js';

export type Db = Database.Database;

/**
 * The embedded store: one SQLite file (or `:memory:`), migrated on open. WAL with
 * `synchronous=FULL`, so an acknowledged mutation survives a crash of the process (or the host).
 */
export class Store {
  readonly db: Db;

  constructor(readonly path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    try {
      this.db = new Database(path);
    } catch (error) {
      throw new BackendError('BACKEND_UNAVAILABLE', `Cannot open the store at ${path}`, {}, String(error));
    }
    cachePreparedStatements(this.db);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    migrate(this.db);
  }

  /** Runs `work` in one transaction: fully applied or not at all. Nested calls join the outer one. */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }

  /** Whether the store holds no inventory yet (decides demo seeding). */
  isEmpty(): boolean {
    const row = this.db.prepare(`SELECT value FROM meta WHERE key = 'seeded'`).get() as
      { value: string } | undefined;
    return row === undefined;
  }

  getMeta(key: string): string | undefined {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as
      { value: string } | undefined;
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    this.db
      .prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      )
      .run(key, value);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function migrate(db: Db): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map(
      (row) => row.version,
    ),
  );
  for (const migration of MIGRATIONS) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        new Date().toISOString(),
      );
    }).immediate();
  }
}

/** Distinct statement texts kept compiled; the drivers' SQL is fixed text with JSON-array parameters. */
const STATEMENTS_KEPT = 1_000;

/**
 * Makes `db.prepare` return the statement compiled before for the same text: compiling costs more
 * than running most of the drivers' queries (a third of a dashboard query's store time). A
 * statement is safe to share here: better-sqlite3 runs it synchronously, SQLite recompiles it
 * after a schema change, and no driver changes a statement's mode (`pluck`, `raw`, `bind`).
 */
function cachePreparedStatements(db: Db): void {
  const compile = db.prepare.bind(db);
  const statements = new Map<string, Database.Statement>();
  db.prepare = ((source: string) => {
    let statement = statements.get(source);
    if (!statement) {
      if (statements.size >= STATEMENTS_KEPT) statements.clear();
      statement = compile(source);
      statements.set(source, statement);
    }
    return statement;
  }) as Db['prepare'];
}
