/**
 * A piece of SQL with its values kept apart: `sql\`… ${value} …\`` writes `$n` for each value, in
 * the order the pieces end up in the statement, and never puts a value into the text. A `Sql` inside
 * a `sql` is spliced in (its values renumbered after the outer ones before it); `sql.join` joins a
 * list; `sql.raw` and `sql.ident` are the only ways to put text that is not a literal of the template
 * into a statement, and take constants of the code (column lists, orders, casts), never input.
 */
export class Sql {
  private constructor(private readonly write: (values: unknown[]) => string) {}

  /** @internal */
  static of(write: (values: unknown[]) => string): Sql {
    return new Sql(write);
  }

  /** Appends this fragment's values to `values` and gives its text, numbered after what `values` held. */
  appendTo(values: unknown[]): string {
    return this.write(values);
  }

  /** The statement as `pg` and `manager.query(text, values)` take it. */
  toQuery(): SqlQuery {
    const values: unknown[] = [];
    const text = this.write(values);
    return { text, values };
  }

  /** True when the fragment writes no text (an empty list, `sql.empty`). */
  isEmpty(): boolean {
    return this.write([]).trim() === '';
  }
}

export interface SqlQuery {
  text: string;
  values: unknown[];
}

/** What can run a statement: a DataSource, an EntityManager, a pg client. */
export interface Queryable {
  query(text: string, values?: unknown[]): Promise<unknown>;
}

function template(strings: TemplateStringsArray, ...args: unknown[]): Sql {
  return Sql.of((values) => {
    let text = strings[0];
    args.forEach((arg, i) => {
      if (arg instanceof Sql) text += arg.appendTo(values);
      else {
        values.push(arg);
        text += `$${values.length}`;
      }
      text += strings[i + 1];
    });
    return text;
  });
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/;

/** A tagged template for SQL: values become numbered placeholders, fragments compose. */
export const sql = Object.assign(template, {
  /** Text from the code's own constants (never input): a column list, an ORDER BY, an SQL literal set. */
  raw: (text: string): Sql => Sql.of(() => text),
  /** A table or column name (`grid`, `g.path`), checked to be one. */
  ident: (name: string): Sql => {
    if (!IDENTIFIER.test(name)) throw new Error(`not an SQL identifier: ${name}`);
    return Sql.of(() => name);
  },
  /** The fragments joined by `separator` (`, ` by default); no fragments, no text. */
  join: (parts: readonly Sql[], separator: string | Sql = ', '): Sql => {
    const sep = typeof separator === 'string' ? Sql.of(() => separator) : separator;
    return Sql.of((values) => parts.map((part, i) => (i === 0 ? '' : sep.appendTo(values)) + part.appendTo(values)).join(''));
  },
  /** Conditions joined by AND, `TRUE` when there are none. */
  and: (conditions: readonly (Sql | undefined)[]): Sql => {
    const present = conditions.filter((c): c is Sql => c !== undefined);
    return present.length === 0 ? Sql.of(() => 'TRUE') : sql.join(present, ' AND ');
  },
  /**
   * A fragment written by a helper that appends its values to a params array itself
   * (`reachCondition(principal, rule, params)` of @civgrid/auth): numbered where it lands.
   */
  params: (write: (params: unknown[]) => string): Sql => Sql.of(write),
  empty: Sql.of(() => ''),
});

/** The rows a statement answers. */
export async function queryRows<T>(runner: Queryable, statement: Sql): Promise<T[]> {
  const { text, values } = statement.toQuery();
  return (await runner.query(text, values)) as T[];
}

/**
 * The rows of an UPDATE or DELETE … RETURNING: TypeORM's PostgreSQL driver answers those with
 * `[rows, affectedCount]` instead of the rows themselves.
 */
export async function returning<T>(manager: Queryable, statement: string | Sql, params: unknown[] = []): Promise<T[]> {
  const { text, values } = typeof statement === 'string' ? { text: statement, values: params } : statement.toQuery();
  const result: unknown = await manager.query(text, values);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
