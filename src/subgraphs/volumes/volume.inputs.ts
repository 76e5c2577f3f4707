import { Field, InputType, Int } from 'type-graphql';
import { GlusterTransport } from './gluster.type.js';

const MATCHES =
  'ECMAScript regular expression, searched in the id (anchor it with ^ and $ as needed; legacy shims anchor at the start).';

@InputType({ description: 'Selects OSDs.' })
export class CephOsdFilter {
  @Field(() => String, { nullable: true, description: MATCHES }) matches?: string | null;
}

@InputType({ description: 'Selects pools.' })
export class CephPoolFilter {
  @Field(() => String, { nullable: true, description: `${MATCHES} The id is the pool name.` })
  matches?: string | null;
}

@InputType({ description: 'Selects RBD volumes.' })
export class RbdVolumeFilter {
  @Field(() => String, { nullable: true, description: `${MATCHES} The id is \`pool/volume\`.` })
  matches?: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'Only this pool (NOT_FOUND POOL_NOT_FOUND if absent).',
  })
  pool?: string | null;
}

@InputType({ description: 'Selects RBD snapshots.' })
export class RbdSnapshotFilter {
  @Field(() => String, { nullable: true, description: `${MATCHES} The id is \`pool/volume@snapshot\`.` })
  matches?: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'Only this pool (NOT_FOUND POOL_NOT_FOUND if absent).',
  })
  pool?: string | null;
  @Field(() => String, {
    nullable: true,
    description:
      'Only volumes of this name: in `pool` when given, in every pool otherwise (NOT_FOUND VOLUME_NOT_FOUND if none).',
  })
  volume?: string | null;
}

@InputType({
  description: 'A Gluster volume to create (`gluster volume create`). Counts of 0 mean "not given".',
})
export class GlusterVolumeCreateInput {
  @Field(() => [String], { description: 'Bricks `host:/absolute/path`, in volume order.' }) bricks!: string[];
  @Field(() => Int, { defaultValue: 0 }) replica!: number;
  @Field(() => Int, { defaultValue: 0 }) stripe!: number;
  @Field(() => Int, { defaultValue: 0, description: 'Only with replica 3: 1.' }) arbiter!: number;
  @Field(() => Int, { defaultValue: 0 }) disperse!: number;
  @Field(() => Int, { defaultValue: 0, description: 'Data bricks per disperse set.' }) disperseData!: number;
  @Field(() => Int, { defaultValue: 0 }) redundancy!: number;
  // No schema default: enum defaults lose their internal value when the federated schema is rebuilt from SDL.
  @Field(() => GlusterTransport, { nullable: true, description: 'Default TCP.' })
  transport?: GlusterTransport | null;
  @Field(() => Boolean, { defaultValue: false, description: 'Override glusterd’s layout warnings.' })
  force!: boolean;
}

@InputType({ description: 'A volume option to set.' })
export class GlusterOptionInput {
  @Field(() => String) name!: string;
  @Field(() => String) value!: string;
}

@InputType({ description: 'Where the passphrase of an encrypted volume is kept in Vault (KV version 2).' })
export class EncryptedVolumeVaultInput {
  @Field(() => String, { description: 'Vault base URL, e.g. `https://vault.example.org:8200`.' })
  url!: string;
  @Field(() => String, { description: 'A response-wrapping token; used once.' }) token!: string;
  @Field(() => String, { description: 'The KV mount, e.g. `secrets`.' }) secretRoot!: string;
  @Field(() => String, { description: 'The secret’s path under the mount.' }) secretPath!: string;
  @Field(() => String, { description: 'The field of the secret holding the passphrase.' }) secretKey!: string;
}

@InputType({ description: 'Selects encrypted volumes.' })
export class EncryptedVolumeFilter {
  @Field(() => String, { nullable: true, description: MATCHES }) matches?: string | null;
}
