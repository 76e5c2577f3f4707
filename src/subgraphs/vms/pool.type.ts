import { Directive, Field, ID, ObjectType } from 'type-graphql';
import type { VmPoolRecord } from './source.js';
import { VirtualMachine, VmAssignmentStatus, VmType } from './vm.type.js';

@ObjectType({
  description: 'A FOSS-Cloud VM pool: persistent servers or dynamic desktops handed out to users.',
})
@Directive('@key(fields: "id")')
export class VmPool {
  @Field(() => ID, { description: 'Opaque pool id (a UUID in practice).' }) id!: string;
  @Field(() => String, { description: 'Display name.' }) name!: string;
  @Field(() => VmType) type!: VmType;
  @Field(() => String, { nullable: true, description: '`Desktop`, `Server`, `Golden-Image`, …' })
  subtype!: string | null;
  @Field(() => String, { nullable: true, description: 'OS profile: `windows`, `linux` or null.' })
  os!: string | null;
  @Field(() => String, { nullable: true }) description!: string | null;

  static from(record: VmPoolRecord): VmPool {
    return Object.assign(new VmPool(), {
      id: record.id,
      name: record.name,
      type: record.kind as VmType,
      subtype: record.subtype,
      os: record.os,
      description: record.description,
    });
  }
}

@ObjectType({
  description:
    'One of a user’s dynamic-pool entries: a VM of the pool assigned to the user (ASSIGNED), or, when none is, a placeholder for a pool with a free VM (ASSIGNABLE, `vm` null).',
})
export class VmDynamicEntry {
  @Field(() => VmPool) pool!: VmPool;
  @Field(() => VirtualMachine, { nullable: true }) vm!: VirtualMachine | null;
  @Field(() => VmAssignmentStatus) status!: VmAssignmentStatus;
}

@ObjectType({ description: 'A MAC address mapped to a VM (FC4School thin clients).' })
export class VmMacMapping {
  @Field(() => String, { description: 'Lower-case MAC address.' }) mac!: string;
  @Field(() => VirtualMachine) vm!: VirtualMachine;
}

@ObjectType({ description: 'The VM mapped to a MAC address, as the dynamic-VM user sees it.' })
export class VmMacMatch {
  @Field(() => String, { description: 'Lower-case MAC address.' }) mac!: string;
  @Field(() => VirtualMachine) vm!: VirtualMachine;
  @Field(() => VmPool, { nullable: true, description: 'The VM’s pool.' }) pool!: VmPool | null;
  @Field(() => Boolean, { description: 'Whether the VM is assigned to the calling user.' })
  assigned!: boolean;
}
