import type { TokenHashRecord, UserTokenRecord } from '../../subgraphs/users/index.js';
import type { Store } from './store.js';

/**
 * User tokens (SHA-256 hashes only) of users kept in a directory, for a users driver whose
 * directory holds no tokens. One current token per user.
 */
export class EmbeddedDirectoryTokens {
  constructor(private readonly store: Store) {}

  private static toRecord(row: { user_id: string; created_at: number; expires_at: number }): UserTokenRecord {
    return { userId: row.user_id, createdAt: new Date(row.created_at), expiresAt: new Date(row.expires_at) };
  }

  async get(userIds: readonly string[]): Promise<UserTokenRecord[]> {
    if (userIds.length === 0) return [];
    const rows = this.store.db
      .prepare(
        'SELECT user_id, created_at, expires_at FROM directory_user_tokens WHERE user_id IN (SELECT value FROM json_each(?))',
      )
      .all(JSON.stringify(userIds)) as { user_id: string; created_at: number; expires_at: number }[];
    return rows.map(EmbeddedDirectoryTokens.toRecord);
  }

  async byHash(hash: string): Promise<UserTokenRecord | null> {
    const row = this.store.db
      .prepare('SELECT user_id, created_at, expires_at FROM directory_user_tokens WHERE token_hash = ?')
      .get(hash) as { user_id: string; created_at: number; expires_at: number } | undefined;
    return row ? EmbeddedDirectoryTokens.toRecord(row) : null;
  }

  async set(userId: string, token: TokenHashRecord): Promise<void> {
    this.store.db
      .prepare(
        `INSERT INTO directory_user_tokens (user_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(user_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at,
           expires_at = excluded.expires_at`,
      )
      .run(userId, token.hash, token.createdAt.getTime(), token.expiresAt.getTime());
  }

  async revoke(userId: string): Promise<boolean> {
    return (
      this.store.db.prepare('DELETE FROM directory_user_tokens WHERE user_id = ?').run(userId).changes > 0
    );
  }

  async setExpiry(userId: string, expiresAt: Date): Promise<boolean> {
    return (
      this.store.db
        .prepare('UPDATE directory_user_tokens SET expires_at = ? WHERE user_id = ?')
        .run(expiresAt.getTime(), userId).changes > 0
    );
  }
}
