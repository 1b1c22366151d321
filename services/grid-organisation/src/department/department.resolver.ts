import { Args, Mutation, Query, Resolver, ResolveReference } from '@nestjs/graphql';
import { Access, CurrentPrincipal, Principal, RULES } from '@civgrid/auth';
import { Connection, RequestContext } from '@civgrid/service-kit';
import { DepartmentService } from './department.service';
import { CreateDepartmentInput, DepartmentArgs, DepartmentsArgs } from './dto/department.inputs';
import { DepartmentConnection, DepartmentType } from './dto/department.type';

@Resolver(() => DepartmentType)
export class DepartmentResolver {
  constructor(private readonly service: DepartmentService) {}

  @Access(RULES.department.read)
  @Query(() => DepartmentType)
  department(@Args() { id }: DepartmentArgs): Promise<DepartmentType> {
    return this.service.byId(id);
  }

  @Access(RULES.department.read)
  @Query(() => DepartmentConnection, { description: 'Departments, by the area they serve, kind and level.' })
  departments(@Args() args: DepartmentsArgs): Promise<Connection<DepartmentType>> {
    return this.service.list(args);
  }

  @Access(RULES.department.create)
  @Mutation(() => DepartmentType)
  createDepartment(@CurrentPrincipal() principal: Principal, @Args('input') input: CreateDepartmentInput): Promise<DepartmentType> {
    return this.service.create(principal, input);
  }

  @Access(RULES.department.read)
  @ResolveReference()
  resolveReference(ref: { id: string }, ctx: RequestContext): Promise<DepartmentType> {
    return ctx.loaders.get<string, DepartmentType>('department.byId', (ids) => this.service.loadByIds(ids)).load(ref.id);
  }
}
