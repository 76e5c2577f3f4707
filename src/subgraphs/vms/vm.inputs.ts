import { Field, ID, InputType } from 'type-graphql';
import { VmState, VmType } from './vm.type.js';

@InputType({ description: 'Selects VMs. Without any field, every VM the caller may see.' })
export class VmFilter {
  @Field(() => String, {
    nullable: true,
    description:
      'ECMAScript regular expression searched anywhere in the UUID (anchor it with ^ and $ as needed).',
  })
  idMatches?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'ECMAScript regular expression searched anywhere in the name.',
  })
  nameMatches?: string | null;

  @Field(() => Boolean, {
    defaultValue: false,
    description: 'With both patterns: include a VM matching either (true) instead of both (false).',
  })
  anyPattern!: boolean;

  @Field(() => [String], {
    nullable: true,
    description: 'Node names; each must exist (NOT_FOUND reason NODE_NOT_FOUND, checked first).',
  })
  nodes?: string[] | null;

  @Field(() => [VmState], { nullable: true }) states?: VmState[] | null;

  @Field(() => [String], {
    nullable: true,
    description:
      'States as backend words (`start`, `stop`, …), for legacy clients; an unknown word is BAD_USER_INPUT reason INVALID_VM_STATE (checked after the nodes, before the patterns). Combined with `states`.',
  })
  stateNames?: string[] | null;

  @Field(() => Boolean, {
    defaultValue: false,
    description: 'Include a VM on one of `nodes` OR in one of the states (PVC), instead of requiring both.',
  })
  nodeOrState!: boolean;

  @Field(() => [VmType], { nullable: true }) types?: VmType[] | null;
}

@InputType({ description: 'A new VM.' })
export class VmDefineInput {
  @Field(() => String, { description: 'Libvirt domain XML with `<name>` and `<uuid>`.' }) xml!: string;
  @Field(() => String, { nullable: true, description: 'Target node; empty or absent: chosen by `selector`.' })
  node?: string | null;
  @Field(() => String, {
    nullable: true,
    description:
      'Placement selector `mem` (default; also for empty or unknown values), `load`, `vcpus` or `vms`.',
  })
  selector?: string | null;
  // Not a schema default: an enum default loses its internal value through the federation build.
  @Field(() => VmType, { nullable: true, description: 'PERSISTENT when absent.' }) type?: VmType | null;
  @Field(() => String, { nullable: true }) subtype?: string | null;
  @Field(() => String, { nullable: true, description: '`windows`, `linux` or null.' }) os?: string | null;
  @Field(() => ID, { nullable: true }) poolId?: string | null;
  @Field(() => ID, { nullable: true, description: 'The owning user.' }) ownerId?: string | null;
}

@InputType({ description: 'Changes to a VM’s FOSS-Cloud profile; absent fields stay as they are.' })
export class VmProfileInput {
  @Field(() => VmType, { nullable: true }) type?: VmType | null;
  @Field(() => String, { nullable: true }) subtype?: string | null;
  @Field(() => String, { nullable: true }) os?: string | null;
  @Field(() => ID, { nullable: true, description: 'Pool id; empty string removes the VM from its pool.' })
  poolId?: string | null;
  @Field(() => ID, { nullable: true, description: 'Owner id; empty string removes the owner.' })
  ownerId?: string | null;
}

@InputType({ description: 'A new VM pool.' })
export class VmPoolInput {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: 'Display name.' }) name!: string;
  @Field(() => VmType) type!: VmType;
  @Field(() => String, { nullable: true }) subtype?: string | null;
  @Field(() => String, { nullable: true }) os?: string | null;
  @Field(() => String, { nullable: true }) description?: string | null;
}

@InputType({
  description: 'Acting for another user (administrators only): the user’s id and groups.',
})
export class VmActingUser {
  @Field(() => ID) id!: string;
  @Field(() => [String], { defaultValue: [] }) groups!: string[];
}
