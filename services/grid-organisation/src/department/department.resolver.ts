import { Args, Mutation, Query, Resolver, ResolveReference } from '@nestjs/graphql';
import { CurrentPrincipal, Principal, Roles } from '@civgrid/auth';
import { Connection, RequestContext } from '@civgrid/service-kit';
import { DEPARTMENT_MANAGERS, DepartmentService } from './department.service';
import { CreateDepartmentInput, DepartmentArgs, DepartmentsArgs } from './dto/department.inputs';
import { DepartmentConnection, DepartmentType } from './dto/department.type';

@Resolver(() => DepartmentType)
export class DepartmentResolver {
  constructor(private readonly service: DepartmentService) {}

  @Query(() => DepartmentType)
  department(@Args() { id }: DepartmentArgs): Promise<DepartmentType> {
    return this.service.byId(id);
  }

  @Query(() => DepartmentConnection, { description: 'Departments, by the area they serve, kind and level.' })
  departments(@Args() args: DepartmentsArgs): Promise<Connection<DepartmentType>> {
    return this.service.list(args);
  }

  @Mutation(() => DepartmentType)
  @Roles(...DEPARTMENT_MANAGERS)
  createDepartment(@CurrentPrincipal() principal: Principal, @Args('input') input: CreateDepartmentInput): Promise<DepartmentType> {
    return this.service.create(principal, input);
  }

  @ResolveReference()
  resolveReference(ref: { id: string }, ctx: RequestContext): Promise<DepartmentType> {
    return ctx.loaders.get<string, DepartmentType>('department.byId', (ids) => this.service.loadByIds(ids)).load(ref.id);
  }
}
