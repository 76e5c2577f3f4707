/**
 * PVC authentication: configured tokens compared exactly and in constant time (the original's
 * substring test is not reproduced), and an unforgeable session cookie bound to the token.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { secretsEqual } from '../../identity/index.js';

export interface PvcToken {
  description: string;
  token: string;
}

export class PvcAuth {
  readonly tokens: readonly PvcToken[];
  // Per process: sessions are browser sessions and end with the server, as Flask's did with a new key.
  private readonly secret = randomBytes(32);

  constructor(tokens: readonly PvcToken[]) {
    // Empty tokens are ignored (the original accepted them, and so every request).
    this.tokens = tokens.filter((entry) => entry.token !== '');
  }

  /** The configured token equal to `given`; every configured token is compared, in constant time. */
  match(given: string): PvcToken | undefined {
    let found: PvcToken | undefined;
    for (const entry of this.tokens) if (secretsEqual(given, entry.token) && !found) found = entry;
    return found;
  }

  /** A new session value for a matched token: `<nonce>.<HMAC(nonce, token)>`, no token material in clear. */
  newSession(entry: PvcToken): string {
    const nonce = randomBytes(18).toString('base64url');
    return `${nonce}.${this.mac(nonce, entry.token)}`;
  }

  /** The token a session was created with, while it is still configured. */
  session(value: string | undefined): PvcToken | undefined {
    if (!value) return undefined;
    const dot = value.indexOf('.');
    if (dot <= 0) return undefined;
    const nonce = value.slice(0, dot);
    const given = Buffer.from(value.slice(dot + 1), 'base64url');
    let found: PvcToken | undefined;
    for (const entry of this.tokens) {
      const expected = Buffer.from(this.mac(nonce, entry.token), 'base64url');
      if (given.length === expected.length && timingSafeEqual(given, expected) && !found) found = entry;
    }
    return found;
  }

  private mac(nonce: string, token: string): string {
    return createHmac('sha256', this.secret).update(`pvc-session\0${nonce}\0${token}`).digest('base64url');
  }
}
