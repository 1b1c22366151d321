import { INestApplication } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { GraphQLObjectType, GraphQLSchema, GraphQLUnionType, isObjectType } from 'graphql';
import { ACCESS_EXTENSION, accessRuleOf, allFieldRules, FIELD_MIDDLEWARE_METADATA, ResourceSpec, ACCESS_TABLE } from '@civgrid/auth';
import { ServiceDefinition } from './definition';
import { schemaOnlyApp } from './bootstrap';

// @nestjs/graphql's own metadata keys for resolver methods (the package does not export them).
const RESOLVER_TYPE = 'graphql:resolver_type';
const RESOLVER_NAME = 'graphql:resolver_name';
const RESOLVER_PROPERTY = 'graphql:resolve_property';
const RESOLVER_REFERENCE = 'graphql:resolve_reference';

export interface AccessEntry {
  kind: 'query' | 'mutation' | 'field' | 'reference';
  /** The resolver class and its method, to find it in the code. */
  handler: string;
  /** Query, Mutation, or the type a field or reference belongs to. */
  parent: string;
  name: string;
  rule?: string;
  /** For fields and references: whether the rule's middleware is where Nest looks for it. */
  enforced: boolean;
}

/** Every resolver method of a running application, with the rule it declares. */
export function accessInventory(app: INestApplication): AccessEntry[] {
  const entries: AccessEntry[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.providers.values()) {
      const instance = wrapper.instance as object | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.metatype) continue;
      const proto = Object.getPrototypeOf(instance) as object;
      const classType = Reflect.getMetadata(RESOLVER_TYPE, instance.constructor) as string | undefined;
      for (const method of Object.getOwnPropertyNames(proto)) {
        // Methods only: a getter of a framework provider must not run.
        const fn: unknown = Object.getOwnPropertyDescriptor(proto, method)?.value;
        if (method === 'constructor' || typeof fn !== 'function') continue;
        const rootType = Reflect.getMetadata(RESOLVER_TYPE, fn) as string | undefined;
        const property = Reflect.getMetadata(RESOLVER_PROPERTY, fn) === true;
        const reference = Reflect.getMetadata(RESOLVER_REFERENCE, fn) === true;
        const kind = reference
          ? 'reference'
          : property
            ? 'field'
            : rootType === 'Query'
              ? 'query'
              : rootType === 'Mutation'
                ? 'mutation'
                : null;
        if (!kind) continue;
        const rule = accessRuleOf(fn);
        const middleware = (Reflect.getMetadata(FIELD_MIDDLEWARE_METADATA, fn) as { name: string }[] | undefined) ?? [];
        entries.push({
          kind,
          handler: `${instance.constructor.name}.${method}`,
          parent: kind === 'query' ? 'Query' : kind === 'mutation' ? 'Mutation' : (classType ?? '?'),
          name: kind === 'reference' ? '__resolveReference' : ((Reflect.getMetadata(RESOLVER_NAME, fn) as string | undefined) ?? method),
          rule: rule?.id,
          enforced:
            kind === 'query' || kind === 'mutation' || (rule !== undefined && middleware.some((m) => m.name === `access(${rule.id})`)),
        });
      }
    }
  }
  return entries;
}

const entityTypes = (schema: GraphQLSchema): GraphQLObjectType[] => {
  const union = schema.getType('_Entity');
  return union instanceof GraphQLUnionType ? [...union.getTypes()] : [];
};

/**
 * What is not declared in a subgraph: every query, mutation, field resolver and entity reference
 * must name a rule of the access table (enforced where Nest runs it), and every field the table
 * names for this service must carry its rule. Empty when all is well.
 */
export function undeclaredAccess(app: INestApplication, service: string, mutationsDoc?: string): string[] {
  const problems: string[] = [];
  const inventory = accessInventory(app);
  if (mutationsDoc !== undefined) problems.push(...undocumentedMutations(inventory, service, mutationsDoc));
  for (const e of inventory) {
    if (!e.rule) problems.push(`${e.kind} ${e.parent}.${e.name} (${e.handler}) declares no @Access rule`);
    else if (!e.enforced)
      problems.push(`${e.kind} ${e.parent}.${e.name} (${e.handler}): write @Access above its @ResolveField/@ResolveReference`);
  }
  const { schema } = app.get(GraphQLSchemaHost);
  for (const root of [schema.getQueryType(), schema.getMutationType()]) {
    for (const field of Object.values(root?.getFields() ?? {})) {
      if (field.name.startsWith('_')) continue;
      if (!field.extensions[ACCESS_EXTENSION]) problems.push(`${root!.name}.${field.name} has no access rule in the schema`);
    }
  }
  for (const type of entityTypes(schema)) {
    if (!inventory.some((e) => e.kind === 'reference' && e.rule && type.name === schemaNameOf(e.parent, schema))) {
      problems.push(`entity ${type.name} has no __resolveReference with an @Access rule`);
    }
  }
  const mine = new Set(
    Object.entries(ACCESS_TABLE)
      .filter(([, s]) => (s as ResourceSpec).service === service)
      .map(([name]) => name),
  );
  for (const rule of allFieldRules().filter((r) => mine.has(r.resource))) {
    for (const path of rule.fields) {
      const [typeName, fieldName] = path.split('.');
      const type = schema.getType(typeName);
      const field = isObjectType(type) ? type.getFields()[fieldName] : undefined;
      if (!field) problems.push(`${path} (in ${rule.id}) is not a field of the schema`);
      else if (field.extensions[ACCESS_EXTENSION] !== rule.id) problems.push(`${path} does not carry the rule ${rule.id}`);
    }
  }
  return problems;
}

// A resolver class names its type by the DTO class (GridType) or by the GraphQL name (Grid).
const schemaNameOf = (parent: string, schema: GraphQLSchema): string => (schema.getType(parent) ? parent : parent.replace(/Type$/, ''));

/**
 * The audit of mutations (docs/access-mutations.md) lists `| service | \`mutation\` | \`rule\` | … |`:
 * every mutation of the service, with the rule it declares, and none that is gone.
 */
function undocumentedMutations(inventory: AccessEntry[], service: string, doc: string): string[] {
  const documented = new Map<string, string>();
  for (const [, s, name, rule] of doc.matchAll(/^\|\s*([\w-]+)\s*\|\s*`(\w+)`\s*\|\s*`([\w.]+)`\s*\|/gm)) {
    if (s === service) documented.set(name, rule);
  }
  const declared = new Map(inventory.filter((e) => e.kind === 'mutation').map((e) => [e.name, e.rule ?? '(none)']));
  const problems: string[] = [];
  for (const [name, rule] of declared) {
    if (documented.get(name) !== rule)
      problems.push(`mutation ${name} (${rule}) is documented as ${documented.get(name) ?? 'nothing'} in the mutations audit`);
  }
  for (const name of documented.keys())
    if (!declared.has(name)) problems.push(`the mutations audit lists ${name}, which ${service} does not have`);
  return problems;
}

/** Boots a service without infrastructure and lists what it leaves undeclared (or, given the audit, undocumented). */
export async function undeclaredAccessOf(def: ServiceDefinition, mutationsDoc?: string): Promise<string[]> {
  const app = await schemaOnlyApp(def);
  try {
    return undeclaredAccess(app, def.name, mutationsDoc);
  } finally {
    await app.close();
  }
}
