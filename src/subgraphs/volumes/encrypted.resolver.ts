import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { badInput, forbidden, notFound, unauthenticated } from '../../errors/index.js';
import { isAuthenticated, type Principal } from '../../identity/index.js';
import {
  compilePattern,
  connectionType,
  paginate,
  requireAuthenticated,
  requirePrivileged,
  type RequestContext,
} from '../kit/index.js';
import {
  EncryptedVolume,
  EncryptedVolumeState,
  EncryptedVolumeStatus,
  EncryptedVolumeWorker,
} from './encrypted.type.js';
import { volumesLoaders } from './loaders.js';
import { ENCRYPTED_NAME, HOSTNAME } from './rules.js';
import type { EncryptedVolumeKey, VaultSecretLocation, VolumesSource } from './source.js';
import { EncryptedVolumeFilter, EncryptedVolumeVaultInput } from './volume.inputs.js';

export const EncryptedVolumeConnection = connectionType('EncryptedVolume', EncryptedVolume);

/** Lower-cased address, or null when it cannot be one (never sent to a backend). */
export function normalizeAddress(address: string): string | null {
  const bare = address
    .trim()
    .replace(/^\[(.*)\]$/, '$1')
    .toLowerCase();
  return HOSTNAME.test(bare) ? bare : null;
}

type TargetPrincipal = Extract<Principal, { kind: 'encryptedVolumeTarget' }>;

/** Whether a scoped (LUKSctl) principal is scoped to this volume. */
function targets(principal: TargetPrincipal, volume: { id: string; addresses: readonly string[] }): boolean {
  const address = principal.address === null ? null : normalizeAddress(principal.address);
  return (
    (principal.volumeId !== null && principal.volumeId === volume.id) ||
    (address !== null && volume.addresses.includes(address))
  );
}

/** Whether a scoped principal is scoped to this worker address. */
function targetsAddress(principal: TargetPrincipal, address: string): boolean {
  return principal.address !== null && normalizeAddress(principal.address) === address;
}

/**
 * Reads of one volume or worker: any authenticated principal, or a scoped principal allowed by
 * `allowed`. A scoped principal asking for something else is FORBIDDEN.
 */
function requireTargetRead(context: RequestContext, allowed: (principal: TargetPrincipal) => boolean): void {
  const principal = context.principal;
  if (isAuthenticated(principal)) return;
  if (principal.kind !== 'encryptedVolumeTarget') throw unauthenticated();
  if (!allowed(principal)) throw forbidden('This principal may only use its own encrypted volume');
}

/** Changes to one volume or worker: privileged principals, or a scoped principal allowed by `allowed`. */
function requireTargetChange(
  context: RequestContext,
  allowed: (principal: TargetPrincipal) => boolean,
): void {
  const principal = context.principal;
  if (principal.kind === 'encryptedVolumeTarget') {
    if (!allowed(principal)) throw forbidden('This principal may only use its own encrypted volume');
    return;
  }
  requirePrivileged(context);
}

const encryptedVolumeNotFound = (id: string) =>
  notFound(`No encrypted volume '${id}'`, { reason: 'ENCRYPTED_VOLUME_NOT_FOUND', id });

const VAULT_PATH = /^[A-Za-z0-9_][A-Za-z0-9._-]*(?:\/[A-Za-z0-9_][A-Za-z0-9._-]*)*$/;
// eslint-disable-next-line no-control-regex
const PRINTABLE = /^[^\u0000-\u0020\u007f]+$/;

function invalidVault(argument: string, why: string) {
  return badInput(`vault.${argument} ${why}`, {
    reason: 'INVALID_VAULT_INPUT',
    argument: `vault.${argument}`,
  });
}

/** Checks a Vault location; the URL allow-list is the caller's (shim's) configuration. */
export function checkVault(vault: EncryptedVolumeVaultInput): VaultSecretLocation {
  let url: URL;
  try {
    url = new URL(vault.url);
  } catch {
    throw invalidVault('url', 'is not a URL');
  }
  if (
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.username ||
    url.password ||
    vault.url.length > 2048
  ) {
    throw invalidVault('url', 'must be an http(s) URL without credentials');
  }
  if (!PRINTABLE.test(vault.token) || vault.token.length > 1024)
    throw invalidVault('token', 'is not a token');
  for (const key of ['secretRoot', 'secretPath'] as const) {
    if (!VAULT_PATH.test(vault[key]) || vault[key].length > 512) {
      throw invalidVault(key, 'must be path segments of letters, digits, ".", "_" and "-"');
    }
  }
  if (
    vault.secretKey.length === 0 ||
    vault.secretKey.length > 256 ||
    /[\u0000-\u001f\u007f]/.test(vault.secretKey)
  ) {
    throw invalidVault('secretKey', 'must be 1 to 256 printable characters');
  }
  return {
    url: vault.url.replace(/\/+$/, ''),
    token: vault.token,
    secretRoot: vault.secretRoot,
    secretPath: vault.secretPath,
    secretKey: vault.secretKey,
  };
}

/** LUKS-encrypted instance volumes (LUKSctl) and their worker nodes’ NFS mounts. */
@Resolver(() => EncryptedVolume)
export class EncryptedVolumeResolver {
  constructor(private readonly source: VolumesSource) {}

  @Query(() => EncryptedVolumeConnection, { description: 'Encrypted volumes ordered by name.' })
  async encryptedVolumes(
    @Ctx() context: RequestContext,
    @Arg('filter', () => EncryptedVolumeFilter, { nullable: true }) filter?: EncryptedVolumeFilter | null,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ) {
    requireAuthenticated(context);
    const pattern = filter?.matches ? compilePattern(filter.matches, 'filter.matches') : null;
    const volumes = (await this.source.listEncryptedVolumes()).filter(
      (volume) => !pattern || pattern.test(volume.id),
    );
    return paginate(volumes.map(EncryptedVolume.from), (volume) => volume.id, { first, after });
  }

  @Query(() => EncryptedVolume, { nullable: true, description: 'One encrypted volume by name.' })
  async encryptedVolume(@Ctx() context: RequestContext, @Arg('id', () => ID) id: string) {
    requireTargetRead(context, (principal) => principal.volumeId === id);
    const record = ENCRYPTED_NAME.test(id)
      ? await volumesLoaders(context, this.source).encryptedVolumeById.load(id)
      : null;
    return record ? EncryptedVolume.from(record) : null;
  }

  @Query(() => EncryptedVolume, {
    nullable: true,
    description:
      'The encrypted volume of the instance known under an address (IP address or DNS name, any letter case, IPv6 with or without brackets); null when none.',
  })
  async encryptedVolumeByAddress(
    @Ctx() context: RequestContext,
    @Arg('address', () => String) address: string,
  ) {
    const normalized = normalizeAddress(address);
    requireTargetRead(context, (principal) => normalized === null || targetsAddress(principal, normalized));
    const record = normalized
      ? await volumesLoaders(context, this.source).encryptedVolumeByAddress.load(normalized)
      : null;
    return record ? EncryptedVolume.from(record) : null;
  }

  @Query(() => EncryptedVolumeWorker, {
    nullable: true,
    description: 'The worker node with this address and its NFS mount state; null when none.',
  })
  async encryptedVolumeWorkerByAddress(
    @Ctx() context: RequestContext,
    @Arg('address', () => String) address: string,
  ) {
    const normalized = normalizeAddress(address);
    requireTargetRead(context, (principal) => normalized === null || targetsAddress(principal, normalized));
    const record = normalized
      ? await volumesLoaders(context, this.source).workerByAddress.load(normalized)
      : null;
    return record ? EncryptedVolumeWorker.of(record.address, record.volumeId, record.nfsMounted) : null;
  }

  @FieldResolver(() => EncryptedVolumeStatus, {
    description:
      'The volume state (`luksctl status`); an unreachable instance is UNAVAILABLE with a reason in stderr.',
  })
  async status(@Root() volume: EncryptedVolume, @Ctx() context: RequestContext) {
    requireTargetRead(context, (principal) => targets(principal, volume));
    const record = await volumesLoaders(context, this.source).encryptedVolumeState.load(volume.id);
    return EncryptedVolumeStatus.of(record.state as EncryptedVolumeState, record.output, record.stderr);
  }

  @FieldResolver(() => [EncryptedVolumeWorker], {
    description: 'Worker nodes of a cluster instance (empty otherwise).',
  })
  async workers(@Root() volume: EncryptedVolume, @Ctx() context: RequestContext) {
    requireAuthenticated(context);
    const loader = volumesLoaders(context, this.source).workerByAddress;
    const rows = await Promise.all(volume.workerAddresses.map((address) => loader.load(address)));
    return rows.flatMap((row) =>
      row ? [EncryptedVolumeWorker.of(row.address, row.volumeId, row.nfsMounted)] : [],
    );
  }

  @Mutation(() => EncryptedVolumeStatus, {
    description:
      'Opens (unlocks and mounts) a volume with a passphrase kept in Vault. Already mounted: returns MOUNTED without contacting Vault. Otherwise unwraps the token, reads the passphrase, runs the open and, on success, mounts the workers’ NFS exports (their failures do not change the answer). The open’s exit status decides: 0 MOUNTED, 1 UNMOUNTED (reason WRONG_PASSPHRASE), else UNAVAILABLE with its output. Errors: BAD_USER_INPUT INVALID_VAULT_INPUT; NOT_FOUND ENCRYPTED_VOLUME_NOT_FOUND; BACKEND_FAILED VAULT_UNWRAP_FAILED / VAULT_READ_FAILED / VAULT_KEY_MISSING; BACKEND_UNAVAILABLE VAULT_UNREACHABLE.',
  })
  async openEncryptedVolume(
    @Ctx() context: RequestContext,
    @Arg('id', () => ID) id: string,
    @Arg('vault', () => EncryptedVolumeVaultInput) vault: EncryptedVolumeVaultInput,
  ) {
    // A scoped principal is checked against the volume itself, once it is loaded (in `open`).
    if (context.principal.kind !== 'encryptedVolumeTarget') requirePrivileged(context);
    return this.open(context, id, { kind: 'vault', vault: checkVault(vault) });
  }

  @Mutation(() => EncryptedVolumeStatus, {
    description:
      'Opens a volume with the passphrase itself (administrators and operators), as openEncryptedVolume does after fetching it. BAD_USER_INPUT INVALID_PASSPHRASE; NOT_FOUND ENCRYPTED_VOLUME_NOT_FOUND.',
  })
  async openEncryptedVolumeWithPassphrase(
    @Ctx() context: RequestContext,
    @Arg('id', () => ID) id: string,
    @Arg('passphrase', () => String) passphrase: string,
  ) {
    requirePrivileged(context);
    // One line on standard input: a newline would cut it; NUL cannot travel.
    if (passphrase.length === 0 || passphrase.length > 512 || /[\r\n\u0000]/.test(passphrase)) {
      throw badInput('A passphrase is 1 to 512 characters on one line', {
        reason: 'INVALID_PASSPHRASE',
        argument: 'passphrase',
      });
    }
    return this.open(context, id, { kind: 'passphrase', passphrase });
  }

  @Mutation(() => EncryptedVolumeWorker, {
    description:
      'Mounts the NFS exports of a worker node (`mount -a -t nfs`) unless already mounted; a failed mount leaves it UNMOUNTED. NOT_FOUND WORKER_NOT_FOUND.',
  })
  async mountEncryptedVolumeWorkerNfs(
    @Ctx() context: RequestContext,
    @Arg('address', () => String) address: string,
  ) {
    const normalized = normalizeAddress(address);
    requireTargetChange(context, (principal) => normalized !== null && targetsAddress(principal, normalized));
    const [worker] = normalized ? await this.source.workerNfsStates([normalized]) : [];
    if (!worker || !normalized)
      throw notFound(`No worker node with address '${address}'`, { reason: 'WORKER_NOT_FOUND', address });
    if (!worker.nfsMounted) await this.source.mountWorkerNfs([normalized]);
    const [after] = await this.source.workerNfsStates([normalized]);
    return EncryptedVolumeWorker.of(normalized, worker.volumeId, after?.nfsMounted ?? false);
  }

  private async open(
    context: RequestContext,
    id: string,
    key: EncryptedVolumeKey,
  ): Promise<EncryptedVolumeStatus> {
    const [volume] = ENCRYPTED_NAME.test(id) ? await this.source.getEncryptedVolumes([id]) : [];
    const principal = context.principal;
    if (principal.kind === 'encryptedVolumeTarget' && !(volume && targets(principal, volume))) {
      throw forbidden('This principal may only use its own encrypted volume');
    }
    if (!volume) throw encryptedVolumeNotFound(id);
    const [state] = await this.source.encryptedVolumeStates([id]);
    if (state?.state === 'mounted') return EncryptedVolumeStatus.of(EncryptedVolumeState.MOUNTED);
    const result = await this.source.openEncryptedVolume(id, key);
    if (result.exitCode === 0) {
      if (volume.workers.length > 0) {
        // Post-open actions do not change the answer: the volume is open.
        await this.source.mountWorkerNfs(volume.workers).catch(() => undefined);
      }
      return EncryptedVolumeStatus.of(EncryptedVolumeState.MOUNTED);
    }
    if (result.exitCode === 1)
      return EncryptedVolumeStatus.of(EncryptedVolumeState.UNMOUNTED, '', '', 'WRONG_PASSPHRASE');
    return EncryptedVolumeStatus.of(EncryptedVolumeState.UNAVAILABLE, result.output, result.stderr);
  }
}

@Resolver(() => EncryptedVolumeWorker)
export class EncryptedVolumeWorkerResolver {
  constructor(private readonly source: VolumesSource) {}

  @FieldResolver(() => EncryptedVolume, {
    nullable: true,
    description: 'The encrypted volume whose exports it mounts.',
  })
  async volume(@Root() worker: EncryptedVolumeWorker, @Ctx() context: RequestContext) {
    requireAuthenticated(context);
    const record = await volumesLoaders(context, this.source).encryptedVolumeById.load(worker.volumeId);
    return record ? EncryptedVolume.from(record) : null;
  }
}
