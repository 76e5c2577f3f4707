/**
 * Password and passphrase hashes (users' passwords, the embedded store's LUKS passphrases): scrypt
 * (node:crypto) with a random 16-byte salt per hash, encoded as
 * `scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>`, compared in constant time.
 */
import {
  randomBytes,
  scrypt as scryptCallback,
  scryptSync,
  timingSafeEqual,
  type ScryptOptions,
} from 'node:crypto';

const N = 16384;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

function scrypt(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(password, salt, keyLength, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

function encode(salt: Buffer, hash: Buffer): string {
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/**
 * scrypt keys HMAC-SHA256 with the password, and HMAC pads a short key with zero bytes: "pw" and
 * "pw\0" would hash alike. Passwords with a NUL are therefore never hashed nor matched.
 */
export function hasNulByte(password: string): boolean {
  return password.includes('\0');
}

function refuseNulByte(password: string): void {
  if (hasNulByte(password)) throw new RangeError('a password must not contain a NUL character');
}

/** Hashes a password with a new salt. */
export async function hashPassword(password: string): Promise<string> {
  refuseNulByte(password);
  const salt = randomBytes(16);
  return encode(salt, await scrypt(password, salt, KEY_LENGTH, { N, r: R, p: P }));
}

/** The same, synchronously (for imports and seeding). */
export function hashPasswordSync(password: string): string {
  refuseNulByte(password);
  const salt = randomBytes(16);
  return encode(salt, scryptSync(password, salt, KEY_LENGTH, { N, r: R, p: P }));
}

// A hash of no real password: verifying against it costs what a real check costs, so an unknown
// user answers as slowly as a wrong password.
const DUMMY = hashPasswordSync(randomBytes(18).toString('base64'));

/**
 * Whether `password` matches `encoded`. A null `encoded` (unknown user, no password) still runs
 * one scrypt and answers false. A malformed hash answers false.
 */
export async function verifyPassword(password: string, encoded: string | null): Promise<boolean> {
  const parts = (encoded ?? DUMMY).split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![n, r, p].every((value) => Number.isInteger(value) && value > 0) || n > 1 << 20 || r > 32 || p > 16)
    return false;
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  if (expected.length < 16 || expected.length > 64) return false;
  const actual = await scrypt(password, salt, expected.length, {
    N: n,
    r,
    p,
    maxmem: 256 * n * r + 1024 * 1024,
  });
  return timingSafeEqual(actual, expected) && encoded !== null && !hasNulByte(password);
}
