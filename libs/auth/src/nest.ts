import { applyDecorators, CanActivate, createParamDecorator, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Extensions, Field, FieldMiddleware, FieldOptions, GqlExecutionContext, MiddlewareContext, ReturnTypeFunc } from '@nestjs/graphql';
import { forbidden, unauthenticated } from '@civgrid/errors';
import { isNonNullType } from 'graphql';
import { AccessRule, assertMayUse, fieldLevel, FieldRule, mayUse } from './access';
import { Principal } from './roles';

/** What the GraphQL context of every subgraph holds about the caller. */
export interface AuthContext {
  principal?: Principal;
}

export function principalOf(context: AuthContext): Principal {
  if (!context.principal) throw unauthenticated('TOKEN_MISSING', 'Sign in first: the request carries no bearer token.');
  return context.principal;
}

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal =>
  principalOf(GqlExecutionContext.create(ctx).getContext<AuthContext>()),
);

export const ACCESS_METADATA = 'civgrid:access';
// @nestjs/graphql keeps a field resolver's middleware under this key (not exported by the package);
// the access inventory test fails if a resolver's @Access middleware is not where Nest looks.
export const FIELD_MIDDLEWARE_METADATA = 'graphql:field_resolver_middleware';
/** The schema extension that says which rule a field follows: the schema walk reads it. */
export const ACCESS_EXTENSION = 'access';

/** The rule a handler declared, if any. */
export const accessRuleOf = (handler: object): AccessRule | FieldRule | undefined =>
  Reflect.getMetadata(ACCESS_METADATA, handler) as AccessRule | FieldRule | undefined;

/**
 * 'hide' answers null: a field the principal may not see, or a nullable field whose rows the
 * principal may not reach at all ("null when you may not see it"). A non-null field, a query or a
 * mutation is refused with FORBIDDEN instead.
 */
function gate(rule: AccessRule | FieldRule, principal: Principal, nullable: boolean): 'go' | 'hide' {
  if (rule.kind === 'field') return fieldLevel(principal, rule) === 'hidden' ? 'hide' : 'go';
  if (nullable && !mayUse(principal, rule)) return 'hide';
  assertMayUse(principal, rule);
  return 'go';
}

/**
 * The field middleware of a rule: an action rule refuses a principal without a role for it; a field
 * rule answers null to a principal who may not see the field. Apollo calls `__resolveReference`
 * with (reference, context, info), so there the context arrives where a field's args would.
 */
export const accessMiddleware = (rule: AccessRule | FieldRule): FieldMiddleware => {
  const middleware: FieldMiddleware = async (ctx: MiddlewareContext, next): Promise<unknown> => {
    const reference = ctx.info === undefined;
    const context = (reference ? ctx.args : ctx.context) as AuthContext;
    if (gate(rule, principalOf(context), !reference && !isNonNullType(ctx.info.returnType)) === 'hide') return null;
    return (await next()) as unknown;
  };
  Object.defineProperty(middleware, 'name', { value: `access(${rule.id})` });
  return middleware;
};

/**
 * Who may use a query, mutation, field resolver or entity reference: a rule of the access table.
 * Queries and mutations are checked by the AccessGuard; field resolvers and references by the
 * rule's middleware. Write it ABOVE `@Query`/`@ResolveField`/`@ResolveReference` (those decorators
 * reset the middleware list); the access inventory test catches one written below.
 */
export function Access(rule: AccessRule | FieldRule): MethodDecorator {
  return (target, key, descriptor) => {
    SetMetadata(ACCESS_METADATA, rule)(target, key, descriptor);
    const handler = descriptor.value as object;
    const existing = (Reflect.getMetadata(FIELD_MIDDLEWARE_METADATA, handler) as FieldMiddleware[] | undefined) ?? [];
    Reflect.defineMetadata(FIELD_MIDDLEWARE_METADATA, [accessMiddleware(rule), ...existing], handler);
    // A reference is no schema field: its rule is found through the metadata alone.
    if (key !== 'resolveReference') Extensions({ [ACCESS_EXTENSION]: rule.id })(target, key as string);
  };
}

/** A plain DTO field whose value some roles may not see (the rule's middleware answers null). */
export function AccessField(rule: FieldRule, type: ReturnTypeFunc, options: FieldOptions = {}): PropertyDecorator {
  return applyDecorators(
    Field(type, { ...options, middleware: [accessMiddleware(rule), ...(options.middleware ?? [])] }),
    Extensions({ [ACCESS_EXTENSION]: rule.id }),
  );
}

/**
 * Default deny for queries and mutations: a handler without a rule is refused (and the inventory
 * test fails), a principal without a role the rule names is refused before any argument is read.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(ctx: ExecutionContext): boolean {
    if (ctx.getType<string>() !== 'graphql') return true;
    const principal = principalOf(GqlExecutionContext.create(ctx).getContext<AuthContext>());
    const rule = this.reflector.get<AccessRule | FieldRule | undefined>(ACCESS_METADATA, ctx.getHandler());
    if (!rule) throw forbidden('NO_ACCESS_RULE', 'This operation declares no access rule, so nobody may use it.');
    gate(rule, principal, false);
    return true;
  }
}
