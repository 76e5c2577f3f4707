import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { requireAuthenticated, type RequestContext } from '../kit/index.js';
import { networksLoaders } from './loaders.js';
import { Network, VirtualMachineRef } from './network.type.js';
import type { NetworksSource } from './source.js';

/** The networks part of `VirtualMachine`. */
@Resolver(() => VirtualMachineRef)
export class VirtualMachineNetworksResolver {
  constructor(private readonly source: NetworksSource) {}

  @FieldResolver(() => [Network], {
    description: 'Networks whose bridge (`vmbr<VNI>`) one of the VM’s NICs is attached to, ordered by VNI.',
  })
  async networks(@Root() vm: VirtualMachineRef, @Ctx() context: RequestContext): Promise<Network[]> {
    requireAuthenticated(context);
    const rows = await networksLoaders(context, this.source).networksOfVm.load(vm.id);
    return rows.map((row) => Network.from(row.network));
  }
}
