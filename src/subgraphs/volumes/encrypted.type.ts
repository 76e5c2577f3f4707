import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { ClusterNodeRef } from './refs.type.js';
import type { EncryptedVolumeRecord } from './source.js';

export enum EncryptedVolumeState {
  MOUNTED = 'mounted',
  UNMOUNTED = 'unmounted',
  UNAVAILABLE = 'unavailable',
}
registerEnumType(EncryptedVolumeState, {
  name: 'EncryptedVolumeState',
  description:
    'What `luksctl status` says: mounted (exit 0), unmounted (exit 1), unavailable (anything else).',
});

export enum EncryptedVolumeNfsState {
  MOUNTED = 'mounted',
  UNMOUNTED = 'unmounted',
}
registerEnumType(EncryptedVolumeNfsState, {
  name: 'EncryptedVolumeNfsState',
  description: 'Whether every NFS mount point of a worker node is mounted.',
});

@ObjectType({
  description: 'The state of an encrypted volume, with the raw command output when unavailable.',
})
export class EncryptedVolumeStatus {
  @Field(() => EncryptedVolumeState) state!: EncryptedVolumeState;
  @Field(() => String, {
    description: 'Standard output of the status (or open) command; empty unless unavailable.',
  })
  output!: string;
  @Field(() => String, {
    description:
      'Standard error of the command, or a one-line reason when the instance cannot be reached; empty unless unavailable.',
  })
  stderr!: string;
  @Field(() => String, {
    nullable: true,
    description: 'Why an open left the volume unmounted: WRONG_PASSPHRASE; null otherwise.',
  })
  reason!: string | null;

  static of(
    state: EncryptedVolumeState,
    output = '',
    stderr = '',
    reason: string | null = null,
  ): EncryptedVolumeStatus {
    return Object.assign(new EncryptedVolumeStatus(), { state, output, stderr, reason });
  }
}

@ObjectType({ description: 'A LUKS-encrypted data volume of an instance (LUKSctl).' })
@Directive('@key(fields: "id")')
export class EncryptedVolume {
  @Field(() => ID, { description: 'The volume’s name.' }) id!: string;
  @Field(() => String) name!: string;
  @Field(() => [String], { description: 'IP addresses and DNS names the instance is known under.' })
  addresses!: string[];
  @Field(() => ClusterNodeRef, { nullable: true, description: 'The node the instance runs on, when known.' })
  node!: ClusterNodeRef | null;
  /** Worker addresses (resolved by the `workers` field). */
  workerAddresses!: string[];

  static from(record: EncryptedVolumeRecord): EncryptedVolume {
    return Object.assign(new EncryptedVolume(), {
      id: record.id,
      name: record.id,
      addresses: record.addresses,
      node: record.node ? ClusterNodeRef.of(record.node) : null,
      workerAddresses: record.workers,
    });
  }
}

@ObjectType({
  description: 'A worker node of an encrypted cluster instance, which mounts the master’s NFS exports.',
})
export class EncryptedVolumeWorker {
  @Field(() => String) address!: string;
  @Field(() => EncryptedVolumeNfsState) nfsState!: EncryptedVolumeNfsState;
  @Field(() => Boolean) nfsMounted!: boolean;
  /** The encrypted volume's id (resolved by the `volume` field). */
  volumeId!: string;

  static of(address: string, volumeId: string, mounted: boolean): EncryptedVolumeWorker {
    return Object.assign(new EncryptedVolumeWorker(), {
      address,
      volumeId,
      nfsMounted: mounted,
      nfsState: mounted ? EncryptedVolumeNfsState.MOUNTED : EncryptedVolumeNfsState.UNMOUNTED,
    });
  }
}
