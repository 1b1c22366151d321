import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver, ResolveReference } from '@nestjs/graphql';
import { CurrentPrincipal, Principal, principalOf, Roles } from '@civgrid/auth';
import { Connection, RequestContext } from '@civgrid/service-kit';
import { DisputeErrors } from './dispute.errors';
import { canReadDispute, DISPUTE_REGISTRARS, DisputeService } from './dispute.service';
import { DisputeArgs, DisputesArgs, GridDisputesArgs, RegisterDisputeInput } from './dto/dispute.inputs';
import { DisputeConnection, DisputeType } from './dto/dispute.type';
import { GridRef } from './dto/grid-ref.type';

@Resolver(() => DisputeType)
export class DisputeResolver {
  constructor(private readonly service: DisputeService) {}

  @Query(() => DisputeType)
  dispute(@CurrentPrincipal() principal: Principal, @Args() { id }: DisputeArgs): Promise<DisputeType> {
    return this.service.byId(principal, id);
  }

  @Query(() => DisputeConnection, { description: 'Disputes in your areas, newest first.' })
  disputes(@CurrentPrincipal() principal: Principal, @Args() args: DisputesArgs): Promise<Connection<DisputeType>> {
    return this.service.list(principal, args);
  }

  @Mutation(() => DisputeType, { description: 'Registers a dispute in a grid, at village or community level.' })
  @Roles(...DISPUTE_REGISTRARS)
  registerDispute(@CurrentPrincipal() principal: Principal, @Args('input') input: RegisterDisputeInput): Promise<DisputeType> {
    return this.service.register(principal, input);
  }

  @ResolveField(() => GridRef, { description: 'The grid where the dispute arose.' })
  grid(@Parent() dispute: DisputeType): GridRef {
    return { __typename: 'Grid', id: dispute.gridId };
  }

  @ResolveReference()
  async resolveReference(ref: { id: string }, ctx: RequestContext): Promise<DisputeType> {
    const dispute = await ctx.loaders.get<string, DisputeType>('dispute.byId', (ids) => this.service.loadByIds(ids)).load(ref.id);
    if (!canReadDispute(principalOf(ctx), dispute)) throw DisputeErrors.notFound(ref.id);
    return dispute;
  }
}

@Resolver(() => GridRef)
export class GridDisputesResolver {
  constructor(private readonly service: DisputeService) {}

  @ResolveField(() => DisputeConnection, { description: 'Disputes registered in this grid, newest first.' })
  disputes(@Parent() grid: GridRef, @Args() args: GridDisputesArgs, @Context() ctx: RequestContext): Promise<Connection<DisputeType>> {
    const principal = principalOf(ctx);
    // One loader per argument set: every grid of a request asking the same page shares one statement.
    const name = `dispute.byGrid:${JSON.stringify([args.status ?? null, args.first, args.after ?? null])}`;
    return ctx.loaders.get<string, Connection<DisputeType>>(name, (ids) => this.service.loadByGrids(principal, ids, args)).load(grid.id);
  }

  @ResolveReference()
  resolveReference(ref: { id: string }): GridRef {
    return { id: ref.id };
  }
}
