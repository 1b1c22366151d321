import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver, ResolveReference } from '@nestjs/graphql';
import { Access, CurrentPrincipal, Principal, principalOf, RULES } from '@civgrid/auth';
import { Connection, RequestContext } from '@civgrid/service-kit';
import { LimitArgs } from '../common/limit.args';
import { AreaService } from './area.service';
import { AreaArgs, AreaByCodeArgs, AreaByPathArgs, AreasArgs, CreateAreaInput, RenameAreaInput } from './dto/area.inputs';
import { AreaConnection, AreaType } from './dto/area.type';
import { AreaErrors } from './area.errors';

@Resolver(() => AreaType)
export class AreaResolver {
  constructor(private readonly service: AreaService) {}

  @Access(RULES.area.read)
  @Query(() => AreaType, { description: 'One administrative area by id.' })
  area(@CurrentPrincipal() principal: Principal, @Args() { id }: AreaArgs): Promise<AreaType> {
    return this.service.byId(principal, id);
  }

  @Access(RULES.area.read)
  @Query(() => AreaType, { description: 'One administrative area by its 12-digit statistical code.' })
  areaByCode(@CurrentPrincipal() principal: Principal, @Args() { code }: AreaByCodeArgs): Promise<AreaType> {
    return this.service.byCode(principal, code);
  }

  @Access(RULES.area.read)
  @Query(() => AreaType, { description: 'One administrative area by its ltree path (codes from the district down).' })
  areaByPath(@CurrentPrincipal() principal: Principal, @Args() { path }: AreaByPathArgs): Promise<AreaType> {
    return this.service.byPath(principal, path);
  }

  @Access(RULES.area.read)
  @Query(() => AreaConnection, { description: 'Areas you may see, in tree order; descendants with underPath.' })
  areas(@CurrentPrincipal() principal: Principal, @Args() args: AreasArgs): Promise<Connection<AreaType>> {
    return this.service.list(principal, args);
  }

  @Access(RULES.area.create)
  @Mutation(() => AreaType)
  createArea(@CurrentPrincipal() principal: Principal, @Args('input') input: CreateAreaInput): Promise<AreaType> {
    return this.service.create(principal, input);
  }

  @Access(RULES.area.rename)
  @Mutation(() => AreaType, { description: 'Renames an area (a town becomes a street, say); its code and path stay.' })
  renameArea(@CurrentPrincipal() principal: Principal, @Args('input') input: RenameAreaInput): Promise<AreaType> {
    return this.service.rename(principal, input);
  }

  @Access(RULES.area.read)
  @ResolveField(() => AreaType, { nullable: true })
  parent(@Parent() area: AreaType, @Context() ctx: RequestContext): Promise<AreaType> | null {
    return area.parentId ? this.loader(ctx).load(area.parentId) : null;
  }

  @Access(RULES.area.read)
  @ResolveField(() => [AreaType], {
    description: 'The areas directly below that you may see, in code order (at most `limit`; all of them with areas(underPath:)).',
  })
  children(@Parent() area: AreaType, @Args() { limit }: LimitArgs, @Context() ctx: RequestContext): Promise<AreaType[]> {
    const principal = principalOf(ctx);
    return ctx.loaders
      .get<string, AreaType[]>(`area.children:${limit}`, (ids) => this.service.loadChildren(principal, ids, limit))
      .load(area.id);
  }

  @Access(RULES.area.read)
  @ResolveField(() => [AreaType], { description: 'From the district down to the parent: the breadcrumb.' })
  ancestors(@Parent() area: AreaType, @Context() ctx: RequestContext): Promise<AreaType[]> {
    return ctx.loaders.get<string, AreaType[]>('area.ancestors', (paths) => this.service.loadAncestors(paths)).load(area.path);
  }

  @Access(RULES.area.read)
  @ResolveReference()
  async resolveReference(ref: { id: string }, ctx: RequestContext): Promise<AreaType> {
    const area = await this.loader(ctx).load(ref.id);
    if (!this.service.canRead(principalOf(ctx), area)) throw AreaErrors.notFound(ref.id);
    return area;
  }

  private loader(ctx: RequestContext) {
    return ctx.loaders.get<string, AreaType>('area.byId', (ids) => this.service.loadByIds(ids));
  }
}
