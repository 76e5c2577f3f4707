import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { badInput, conflict } from '../../errors/index.js';
import {
  CommandOutcome,
  connectionType,
  paginate,
  requireAuthenticated,
  requirePrivileged,
  type RequestContext,
} from '../kit/index.js';
import {
  GlusterBrick,
  GlusterBrickStatus,
  GlusterOption,
  GlusterRebalanceStatus,
  GlusterTransport,
  GlusterVolume,
  GlusterVolumeStatus,
} from './gluster.type.js';
import { volumesLoaders } from './loaders.js';
import {
  checkOptionName,
  checkOptionValue,
  commandFailed,
  GLUSTER_NAME,
  planGlusterVolume,
} from './rules.js';
import type { GlusterVolumeRecord, VolumesSource } from './source.js';
import { GlusterOptionInput, GlusterVolumeCreateInput } from './volume.inputs.js';

export const GlusterVolumeConnection = connectionType('GlusterVolume', GlusterVolume);

const FAILURE =
  'A failed command is BACKEND_FAILED with reason COMMAND_FAILED, `condition`, `exitCode` and `commandError` (the CLI’s text).';

/** `volume start: gv9: failed: Volume gv9 does not exist` and its siblings. */
function doesNotExist(prefix: string, name: string) {
  return commandFailed(`${prefix}: failed: Volume ${name} does not exist`, 'VOLUME_NOT_FOUND', {
    volume: name,
  });
}

/** Gluster volumes: lifecycle, options, rebalance, barrier. */
@Resolver(() => GlusterVolume)
export class GlusterVolumeResolver {
  constructor(private readonly source: VolumesSource) {}

  @Query(() => GlusterVolumeConnection, { description: 'Gluster volumes ordered by name (`volume info`).' })
  async glusterVolumes(
    @Ctx() context: RequestContext,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ) {
    requireAuthenticated(context);
    const volumes = (await this.source.listGlusterVolumes()).map(GlusterVolume.from);
    return paginate(volumes, (volume) => volume.id, { first, after });
  }

  @Query(() => GlusterVolume, {
    nullable: true,
    description: `One volume. An unknown volume fails as \`volume info\` does (condition VOLUME_NOT_FOUND). ${FAILURE}`,
  })
  async glusterVolume(@Ctx() context: RequestContext, @Arg('name', () => String) name: string) {
    requireAuthenticated(context);
    const record = GLUSTER_NAME.test(name)
      ? await volumesLoaders(context, this.source).glusterVolumeByName.load(name)
      : null;
    if (!record) throw commandFailed(`Volume ${name} does not exist`, 'VOLUME_NOT_FOUND', { volume: name });
    return GlusterVolume.from(record);
  }

  @FieldResolver(() => [GlusterOption], {
    description:
      'Option values including defaults (`volume get`): every known option when `name` is null or `all`, else that one. BAD_USER_INPUT UNKNOWN_OPTION.',
  })
  async optionValues(
    @Root() volume: GlusterVolume,
    @Ctx() context: RequestContext,
    @Arg('name', () => String, { nullable: true }) name?: string | null,
  ) {
    requireAuthenticated(context);
    const option = name && name !== 'all' ? name : null;
    if (option) checkOptionName(option, 'volume get');
    const rows = await volumesLoaders(context, this.source).optionValuesOfVolume.load(
      `${option ?? ''}\u0000${volume.name}`,
    );
    return rows.map((row) => Object.assign(new GlusterOption(), { name: row.name, value: row.value }));
  }

  @FieldResolver(() => GlusterRebalanceStatus, {
    nullable: true,
    description: `The last rebalance (\`volume rebalance … status\`). Never rebalanced: condition REBALANCE_NOT_STARTED. ${FAILURE}`,
  })
  async rebalance(@Root() volume: GlusterVolume, @Ctx() context: RequestContext) {
    requireAuthenticated(context);
    const record = await volumesLoaders(context, this.source).rebalanceOfVolume.load(volume.name);
    if (!record) {
      throw commandFailed(
        `volume rebalance: ${volume.name}: failed: Rebalance not started for volume ${volume.name}.`,
        'REBALANCE_NOT_STARTED',
        { volume: volume.name },
      );
    }
    return GlusterRebalanceStatus.from(record);
  }

  @Mutation(() => CommandOutcome, {
    description: `Creates a volume (\`volume create\`). BAD_USER_INPUT INVALID_NAME / INVALID_BRICK / INVALID_COUNT; CONFLICT ALREADY_EXISTS; conditions INVALID_VOLUME_LAYOUT, DUPLICATE_BRICK, BRICKS_ON_SAME_SERVER, HOST_NOT_IN_POOL, BRICK_IN_USE. ${FAILURE}`,
  })
  async createGlusterVolume(
    @Ctx() context: RequestContext,
    @Arg('name', () => String) name: string,
    @Arg('input', () => GlusterVolumeCreateInput) input: GlusterVolumeCreateInput,
  ) {
    requirePrivileged(context);
    if (!GLUSTER_NAME.test(name)) {
      throw badInput(
        `'${name}' is not a valid volume name (letters, digits, "-" and "_", not starting with "-", at most 64)`,
        {
          reason: 'INVALID_NAME',
          argument: 'name',
          name,
          exitCode: 1,
          commandError: `volume create: ${name}: failed: Volume name can contain only alphanumeric, '-' and '_' characters.`,
        },
      );
    }
    const transport = input.transport ?? GlusterTransport.TCP;
    const plan = planGlusterVolume(name, { ...input, transport });
    const [existing, peers, volumes] = await Promise.all([
      this.source.getGlusterVolumes([name]),
      this.source.glusterPeers(),
      this.source.listGlusterVolumes(),
    ]);
    if (existing.length > 0) {
      throw conflict(`Volume ${name} already exists`, {
        reason: 'ALREADY_EXISTS',
        volume: name,
        exitCode: 1,
        commandError: `volume create: ${name}: failed: Volume ${name} already exists`,
      });
    }
    const bricks = plan.bricks.map((brick) => {
      const host = brick.host.toLowerCase();
      const peer = peers.find(
        (candidate) =>
          candidate.hostname.toLowerCase() === host || (candidate.isSelf && host === 'localhost'),
      );
      if (!peer || !peer.connected) {
        throw commandFailed(
          `volume create: ${name}: failed: Host ${brick.host} is not in 'Peer in Cluster' state`,
          'HOST_NOT_IN_POOL',
          {
            volume: name,
            host: brick.host,
          },
        );
      }
      for (const other of volumes.flatMap((volume) => volume.bricks)) {
        const within = (a: string, b: string) => a === b || a.startsWith(b.endsWith('/') ? b : `${b}/`);
        if (
          other.host.toLowerCase() === host &&
          (within(brick.path, other.path) || within(other.path, brick.path))
        ) {
          const label = `${brick.host}:${brick.path}`;
          throw commandFailed(
            `volume create: ${name}: failed: Brick: ${label} not available. Brick may be containing or be contained by an existing brick.`,
            'BRICK_IN_USE',
            { volume: name, brick: label },
          );
        }
      }
      return { ...brick, peerUuid: peer.uuid };
    });
    return this.source.createGlusterVolume({ name, ...plan, bricks, transport, force: input.force });
  }

  @Mutation(() => CommandOutcome, {
    description: `Starts a volume. Conditions VOLUME_NOT_FOUND, ALREADY_STARTED (unless force, which restarts offline bricks). ${FAILURE}`,
  })
  async startGlusterVolume(
    @Ctx() context: RequestContext,
    @Arg('name', () => String) name: string,
    @Arg('force', () => Boolean, { defaultValue: false }) force: boolean,
  ) {
    requirePrivileged(context);
    const volume = await this.requireVolume(name, `volume start: ${name}`);
    if (volume.status === 'Started' && !force) {
      throw commandFailed(
        `volume start: ${name}: failed: Volume ${name} already started`,
        'ALREADY_STARTED',
        { volume: name },
      );
    }
    return this.source.setGlusterVolumeStarted(name, true, force);
  }

  @Mutation(() => CommandOutcome, {
    description: `Stops a volume. Conditions VOLUME_NOT_FOUND, NOT_STARTED. ${FAILURE}`,
  })
  async stopGlusterVolume(
    @Ctx() context: RequestContext,
    @Arg('name', () => String) name: string,
    @Arg('force', () => Boolean, { defaultValue: false }) force: boolean,
  ) {
    requirePrivileged(context);
    const volume = await this.requireVolume(name, `volume stop: ${name}`);
    if (volume.status !== 'Started') {
      throw commandFailed(
        `volume stop: ${name}: failed: Volume ${name} is not in the started state`,
        'NOT_STARTED',
        { volume: name },
      );
    }
    return this.source.setGlusterVolumeStarted(name, false, force);
  }

  @Mutation(() => CommandOutcome, {
    description: `Deletes a volume; with force a started volume is force-stopped first. Conditions VOLUME_NOT_FOUND, VOLUME_STARTED. ${FAILURE}`,
  })
  async deleteGlusterVolume(
    @Ctx() context: RequestContext,
    @Arg('name', () => String) name: string,
    @Arg('force', () => Boolean, { defaultValue: false }) force: boolean,
  ) {
    requirePrivileged(context);
    const volume = await this.requireVolume(name, `volume delete: ${name}`);
    if (volume.status === 'Started') {
      if (!force) {
        throw commandFailed(
          `volume delete: ${name}: failed: Volume ${name} has been started.Volume needs to be stopped before deletion.`,
          'VOLUME_STARTED',
          { volume: name },
        );
      }
      await this.source.setGlusterVolumeStarted(name, false, true);
    }
    return this.source.deleteGlusterVolume(name);
  }

  @Mutation(() => CommandOutcome, {
    description: `Sets volume options (\`volume set\`), in the order given. BAD_USER_INPUT NO_OPTIONS / UNKNOWN_OPTION / INVALID_OPTION_VALUE (with \`commandError\`); condition VOLUME_NOT_FOUND. ${FAILURE}`,
  })
  async setGlusterVolumeOptions(
    @Ctx() context: RequestContext,
    @Arg('name', () => String) name: string,
    @Arg('options', () => [GlusterOptionInput]) options: GlusterOptionInput[],
  ) {
    requirePrivileged(context);
    if (options.length === 0)
      throw badInput('No options given', { reason: 'NO_OPTIONS', argument: 'options' });
    const checked = options.map((option) => ({
      name: option.name,
      value: checkOptionValue(option.name, option.value, checkOptionName(option.name, 'volume set')),
    }));
    await this.requireVolume(name, 'volume set');
    return this.source.setGlusterVolumeOptions(name, checked);
  }

  @Mutation(() => CommandOutcome, {
    description: `Resets one option, or every one with \`all\` (\`volume reset\`). BAD_USER_INPUT UNKNOWN_OPTION; condition VOLUME_NOT_FOUND. ${FAILURE}`,
  })
  async resetGlusterVolumeOption(
    @Ctx() context: RequestContext,
    @Arg('name', () => String) name: string,
    @Arg('option', () => String) option: string,
    @Arg('force', () => Boolean, { defaultValue: false }) force: boolean,
  ) {
    requirePrivileged(context);
    if (option !== 'all') checkOptionName(option, 'volume reset');
    await this.requireVolume(name, 'volume reset');
    return this.source.resetGlusterVolumeOption(name, option, force);
  }

  @Mutation(() => CommandOutcome, {
    description: `Starts a rebalance: fix-layout only, or forced (fixLayout wins). Conditions VOLUME_NOT_FOUND, NOT_STARTED, NOT_DISTRIBUTED, REBALANCE_IN_PROGRESS. ${FAILURE}`,
  })
  async startGlusterRebalance(
    @Ctx() context: RequestContext,
    @Arg('name', () => String) name: string,
    @Arg('fixLayout', () => Boolean, { defaultValue: false }) fixLayout: boolean,
    @Arg('force', () => Boolean, { defaultValue: false }) force: boolean,
  ) {
    requirePrivileged(context);
    const prefix = `volume rebalance: ${name}`;
    const volume = await this.requireVolume(name, prefix);
    if (volume.status !== 'Started') {
      throw commandFailed(
        `${prefix}: failed: Volume ${name} needs to be started to perform rebalance`,
        'NOT_STARTED',
        { volume: name },
      );
    }
    if (volume.distributeCount <= 1) {
      throw commandFailed(
        `${prefix}: failed: Volume ${name} is not a distribute volume or contains only 1 brick.\nNot performing rebalance`,
        'NOT_DISTRIBUTED',
        { volume: name },
      );
    }
    const [last] = await this.source.glusterRebalanceStatus([name]);
    if (last?.aggregate.status === 'in progress') {
      throw commandFailed(
        `${prefix}: failed: Rebalance on ${name} is already started`,
        'REBALANCE_IN_PROGRESS',
        { volume: name },
      );
    }
    return this.source.startGlusterRebalance(
      name,
      fixLayout ? 'START_LAYOUT_FIX' : force ? 'START_FORCE' : 'START',
    );
  }

  @Mutation(() => CommandOutcome, {
    description: `Stops a running rebalance. Conditions VOLUME_NOT_FOUND, REBALANCE_NOT_STARTED. ${FAILURE}`,
  })
  async stopGlusterRebalance(@Ctx() context: RequestContext, @Arg('name', () => String) name: string) {
    requirePrivileged(context);
    const prefix = `volume rebalance: ${name}`;
    await this.requireVolume(name, prefix);
    const [last] = await this.source.glusterRebalanceStatus([name]);
    if (last?.aggregate.status !== 'in progress') {
      throw commandFailed(
        `${prefix}: failed: Rebalance not started for volume ${name}.`,
        'REBALANCE_NOT_STARTED',
        {
          volume: name,
        },
      );
    }
    return this.source.stopGlusterRebalance(name);
  }

  @Mutation(() => CommandOutcome, {
    description: `Enables or disables the volume barrier (\`volume barrier\`). Conditions VOLUME_NOT_FOUND, NOT_STARTED. ${FAILURE}`,
  })
  async setGlusterVolumeBarrier(
    @Ctx() context: RequestContext,
    @Arg('name', () => String) name: string,
    @Arg('enabled', () => Boolean) enabled: boolean,
  ) {
    requirePrivileged(context);
    const volume = await this.requireVolume(name, 'volume barrier');
    if (volume.status !== 'Started') {
      throw commandFailed(`volume barrier: failed: Volume ${name} is not started`, 'NOT_STARTED', {
        volume: name,
      });
    }
    return this.source.setGlusterBarrier(name, enabled);
  }

  private async requireVolume(name: string, prefix: string): Promise<GlusterVolumeRecord> {
    const [volume] = GLUSTER_NAME.test(name) ? await this.source.getGlusterVolumes([name]) : [];
    if (!volume) throw doesNotExist(prefix, name);
    return volume;
  }
}

@Resolver(() => GlusterBrick)
export class GlusterBrickResolver {
  constructor(private readonly source: VolumesSource) {}

  @FieldResolver(() => GlusterBrickStatus, {
    nullable: true,
    description: `The brick in \`volume status … detail\`; null when the brick is missing from the report (its host is down). A volume that is not started fails (condition NOT_STARTED). ${FAILURE}`,
  })
  async status(@Root() brick: GlusterBrick, @Ctx() context: RequestContext) {
    requireAuthenticated(context);
    const loaders = volumesLoaders(context, this.source);
    const volume = await loaders.glusterVolumeByName.load(brick.volumeName);
    if (!volume || volume.status !== GlusterVolumeStatus.STARTED) {
      throw commandFailed(`Volume ${brick.volumeName} is not started`, 'NOT_STARTED', {
        volume: brick.volumeName,
      });
    }
    const report = await loaders.brickStatusOfVolume.load(brick.volumeName);
    const found = report.find((row) => row.host === brick.host && row.path === brick.path);
    return found ? GlusterBrickStatus.from(found) : null;
  }

  @FieldResolver(() => GlusterVolume, { nullable: true, description: 'The volume the brick belongs to.' })
  async volume(@Root() brick: GlusterBrick, @Ctx() context: RequestContext) {
    requireAuthenticated(context);
    const record = await volumesLoaders(context, this.source).glusterVolumeByName.load(brick.volumeName);
    return record ? GlusterVolume.from(record) : null;
  }
}
