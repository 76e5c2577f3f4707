import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { requireAuthenticated, type RequestContext } from '../kit/index.js';
import { visibleVms } from './access.js';
import { vmsLoaders } from './loaders.js';
import type { VmsSource } from './source.js';
import { UserRef, VirtualMachine } from './vm.type.js';

/** The vms subgraph's part of `User`. */
@Resolver(() => UserRef)
export class UserVmsResolver {
  constructor(private readonly source: VmsSource) {}

  @FieldResolver(() => [VirtualMachine], {
    description: 'VMs the user owns or is assigned to (those the caller may see), ordered by name.',
  })
  async vms(@Root() user: UserRef, @Ctx() context: RequestContext) {
    requireAuthenticated(context);
    const rows = await vmsLoaders(context, this.source).vmsOfUser.load(user.id);
    return (
      await visibleVms(
        context,
        this.source,
        rows.map((row) => row.vm),
      )
    ).map((vm) => VirtualMachine.from(vm));
  }
}
