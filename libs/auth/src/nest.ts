import { CanActivate, createParamDecorator, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { forbidden, unauthenticated } from '@civgrid/errors';
import { hasRole, Principal, Role } from './roles';

/** What the GraphQL context of every subgraph holds about the caller. */
export interface AuthContext {
  principal?: Principal;
}

const ROLES_KEY = 'civgrid:roles';

/** The roles allowed to call a resolver. Without it any authenticated user may. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

export function principalOf(context: AuthContext): Principal {
  if (!context.principal) throw unauthenticated('TOKEN_MISSING', 'Sign in first: the request carries no bearer token.');
  return context.principal;
}

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal =>
  principalOf(GqlExecutionContext.create(ctx).getContext<AuthContext>()),
);

@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(ctx: ExecutionContext): boolean {
    if (ctx.getType<string>() !== 'graphql') return true;
    const principal = principalOf(GqlExecutionContext.create(ctx).getContext<AuthContext>());
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [ctx.getHandler(), ctx.getClass()]);
    if (roles && roles.length > 0 && !hasRole(principal, ...roles)) {
      throw forbidden('ROLE_REQUIRED', `This needs one of the roles ${roles.join(', ')}.`);
    }
    return true;
  }
}
