import { Directive, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { VmRecord } from './source.js';

export enum VmState {
  START = 'start',
  RESTART = 'restart',
  SHUTDOWN = 'shutdown',
  STOP = 'stop',
  FAILED = 'failed',
  MIGRATE = 'migrate',
  UNMIGRATE = 'unmigrate',
}
registerEnumType(VmState, {
  name: 'VmState',
  description:
    'Cluster state of a VM (PVC): running (START), being restarted, shut down gracefully, stopped, failed, or being migrated away / back.',
});

export enum VmType {
  PERSISTENT = 'persistent',
  DYNAMIC = 'dynamic',
}
registerEnumType(VmType, {
  name: 'VmType',
  description:
    'FOSS-Cloud VM type: persistent VMs belong to someone; dynamic desktops are handed out from pools.',
});

export enum VmAssignmentStatus {
  ASSIGNED = 'assigned',
  ASSIGNABLE = 'assignable',
}
registerEnumType(VmAssignmentStatus, {
  name: 'VmAssignmentStatus',
  description: 'Whether a dynamic VM (or a pool entry) is assigned to a user or can still be assigned.',
});

export enum VmMatchField {
  ID = 'id',
  NAME = 'name',
}
registerEnumType(VmMatchField, {
  name: 'VmMatchField',
  description: 'Which pattern of a `VmFilter` a listed VM matched.',
});

/** A cluster node, owned by the nodes subgraph. */
@ObjectType('ClusterNode', { description: 'A cluster node (owned by the nodes subgraph).' })
@Directive('@key(fields: "id")')
export class ClusterNodeRef {
  @Field(() => ID, { description: 'The node’s name.' }) id!: string;

  static of(name: string): ClusterNodeRef {
    return Object.assign(new ClusterNodeRef(), { id: name });
  }
}

/** A user, owned by the users subgraph. */
@ObjectType('User', { description: 'A user (owned by the users subgraph).' })
@Directive('@key(fields: "id")')
export class UserRef {
  @Field(() => ID) id!: string;

  static of(id: string): UserRef {
    return Object.assign(new UserRef(), { id });
  }
}

@ObjectType({ description: 'Memory of a VM as its definition gives it.' })
export class VmMemory {
  @Field(() => String, { description: 'The `<memory>` amount as written.' }) amount!: string;
  @Field(() => String, {
    nullable: true,
    description: 'The `unit` attribute as written (null when absent: libvirt then means KiB).',
  })
  unit!: string | null;
  @Field(() => Int, { description: 'The amount in MiB, truncated.' }) mib!: number;
}

@ObjectType({ description: 'CPU topology of a VM (`<cpu><topology>`).' })
export class VmTopology {
  @Field(() => Int) sockets!: number;
  @Field(() => Int) cores!: number;
  @Field(() => Int) threads!: number;
}

@ObjectType({ description: 'A network interface of a VM.' })
export class VmNic {
  @Field(() => String, { nullable: true, description: 'Interface type (`bridge`, `network`, `direct`, …).' })
  type!: string | null;
  @Field(() => String, { nullable: true }) mac!: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'The source attribute named after the type: the bridge of a bridge interface, and so on.',
  })
  source!: string | null;
  @Field(() => String, { nullable: true, description: 'Device model (`virtio`, `e1000`, …).' })
  model!: string | null;
}

@ObjectType({
  description:
    'A disk of a VM. Network disks: type = protocol (`rbd`), name = `pool/volume`; file disks: type `file`, name = path; other disks: all null.',
})
export class VmDisk {
  @Field(() => String, { nullable: true }) type!: string | null;
  @Field(() => String, { nullable: true }) name!: string | null;
  @Field(() => String, { nullable: true, description: 'Target device (`sda`).' }) dev!: string | null;
  @Field(() => String, { nullable: true, description: 'Target bus (`scsi`, `virtio`).' }) bus!: string | null;
}

@ObjectType({ description: 'A device controller of a VM.' })
export class VmController {
  @Field(() => String, { nullable: true }) type!: string | null;
  @Field(() => String, { description: '`none` when the controller has no model.' }) model!: string;
}

@ObjectType({ description: 'The graphical console of a VM (SPICE or VNC).' })
export class VmConsole {
  @Field(() => String, { description: '`spice` or `vnc` (as the definition writes it).' }) protocol!: string;
  @Field(() => String, {
    nullable: true,
    description: 'The node the console is served on (its name); null when the VM is placed nowhere.',
  })
  host!: string | null;
  @Field(() => ClusterNodeRef, { nullable: true, description: 'The same node, for its addresses.' })
  node!: ClusterNodeRef | null;
  @Field(() => Int, { nullable: true, description: 'Null when libvirt chooses the port.' })
  port!: number | null;
  @Field(() => String, {
    nullable: true,
    description:
      'Console password; only for administrators, the VM’s owner, its assigned users (directly or through a group), members of its persistent pool and users whose FOSS-Cloud right `view = all` covers it.',
  })
  password!: string | null;
}

@ObjectType({
  description: 'A virtual machine: its cluster state, its libvirt definition and its FOSS-Cloud profile.',
})
@Directive('@key(fields: "id")')
export class VirtualMachine {
  /** The stored record, for field resolvers (not a GraphQL field). */
  record!: VmRecord;

  @Field(() => ID, { description: 'The VM’s UUID.' }) id!: string;
  @Field(() => String) uuid!: string;
  @Field(() => String) name!: string;
  @Field(() => VmState) state!: VmState;
  @Field(() => String, { description: 'The state as the backend words it (`start`, …).' }) stateName!: string;
  @Field(() => String, { description: 'Why the VM failed; empty unless failed.' }) failedReason!: string;
  @Field(() => Boolean, { description: 'Whether the VM runs (state START).' }) running!: boolean;
  @Field(() => Boolean, { description: 'Whether the VM was migrated and remembers a last node.' })
  migrated!: boolean;
  @Field(() => String, { nullable: true, description: 'From `<description>`.' })
  get description(): string | null {
    return this.record.definition.description;
  }
  @Field(() => VmMemory)
  get memory(): VmMemory {
    return this.record.definition.memory;
  }
  @Field(() => Int, { description: 'Memory in MiB.' }) memoryMiB!: number;
  @Field(() => Int) vcpus!: number;
  @Field(() => String, { description: 'The `<vcpu>` text as written.' })
  get vcpuText(): string {
    return this.record.definition.vcpuText;
  }
  @Field(() => VmTopology, { nullable: true })
  get topology(): VmTopology | null {
    return this.record.definition.topology;
  }
  @Field(() => String, { nullable: true, description: 'OS type (`hvm`).' })
  get osType(): string | null {
    return this.record.definition.osType;
  }
  @Field(() => String, { nullable: true })
  get arch(): string | null {
    return this.record.definition.arch;
  }
  @Field(() => String, { nullable: true, description: 'Machine type (`pc-i440fx-2.7`).' })
  get machine(): string | null {
    return this.record.definition.machine;
  }
  @Field(() => String, { nullable: true, description: 'The `<console type>` (`pty`).' })
  get consoleType(): string | null {
    return this.record.definition.consoleType;
  }
  @Field(() => String, { nullable: true, description: 'Emulator path.' })
  get emulator(): string | null {
    return this.record.definition.emulator;
  }
  @Field(() => [String], { description: 'Element names under `<features>`.' })
  get features(): readonly string[] {
    return this.record.definition.features;
  }
  @Field(() => [VmNic])
  get nics(): readonly VmNic[] {
    return this.record.definition.nics;
  }
  @Field(() => [VmDisk])
  get disks(): readonly VmDisk[] {
    return this.record.definition.disks;
  }
  @Field(() => [VmController])
  get controllers(): readonly VmController[] {
    return this.record.definition.controllers;
  }
  @Field(() => String, { description: 'The libvirt XML definition exactly as given.' })
  get xml(): string {
    return this.record.xml;
  }
  @Field(() => VmType) type!: VmType;
  @Field(() => String, {
    nullable: true,
    description: 'FOSS-Cloud subtype: `Desktop`, `Server`, `Golden-Image`, …',
  })
  subtype!: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'Operating system family: `windows`, `linux` or null.',
  })
  os!: string | null;
  @Field(() => [VmMatchField], {
    description:
      'In a `virtualMachines` answer with `idMatches`/`nameMatches`: which of them this VM matched (ID first); empty elsewhere.',
  })
  matchedOn!: VmMatchField[];

  /**
   * The GraphQL view of a stored VM. Fields taken from the definition (and the XML) are read
   * from the record when asked for: a 1,000-VM list then neither parses nor copies definitions
   * nobody selected (the record's definition and XML are loaded lazily by the driver).
   */
  static from(record: VmRecord, matchedOn: VmMatchField[] = []): VirtualMachine {
    const vm = new VirtualMachine();
    vm.record = record;
    vm.id = record.uuid;
    vm.uuid = record.uuid;
    vm.name = record.name;
    vm.state = record.state as VmState;
    vm.stateName = record.state;
    vm.failedReason = record.failedReason;
    vm.running = record.state === 'start';
    vm.migrated = !!record.lastNode;
    vm.memoryMiB = record.memoryMiB;
    vm.vcpus = record.vcpus;
    vm.type = record.kind as VmType;
    vm.subtype = record.subtype;
    vm.os = record.os;
    vm.matchedOn = matchedOn;
    return vm;
  }
}

@ObjectType({ description: 'What undefining or removing a VM did.' })
export class VmRemoval {
  @Field(() => ID, { description: 'The VM’s UUID.' }) id!: string;
  @Field(() => String) name!: string;
  @Field(() => [String], { description: 'The VM’s RBD disks, `pool/volume`.' }) rbdDisks!: string[];
  @Field(() => [String], {
    description: 'The RBD volumes deleted with the VM (remove only; empty for undefine).',
  })
  deletedVolumes!: string[];
}
