export interface GraphqlError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; reason?: string; [key: string]: unknown };
}

export interface GraphqlResponse<D> {
  status: number;
  data?: D | null;
  errors?: GraphqlError[];
}

/** Posts one GraphQL operation as a browser or app would (`headers`: e.g. `asGateway(token)`). */
export async function gql<D = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
  headers: Record<string, string> = {},
): Promise<GraphqlResponse<D>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  let body: { data?: D | null; errors?: GraphqlError[] };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new Error(`not a GraphQL response (HTTP ${response.status}): ${text.slice(0, 300)}`);
  }
  return { status: response.status, data: body.data, errors: body.errors };
}

/** The data of a response that must have succeeded; otherwise the errors, readably. */
export function dataOf<D>(response: GraphqlResponse<D>): D {
  if (response.errors?.length || !response.data) {
    throw new Error(`GraphQL errors (HTTP ${response.status}): ${JSON.stringify(response.errors)}`);
  }
  return response.data;
}

/** Polls until `check` returns a value (not undefined) or the time is up. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000, stepMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > until) throw new Error(`condition not met in ${timeoutMs} ms${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** The code and reason of a response's first error: what a client branches on. */
export const reasonOf = (res: GraphqlResponse<unknown>): { code: unknown; reason: unknown } => ({
  code: res.errors?.[0]?.extensions?.code,
  reason: res.errors?.[0]?.extensions?.reason,
});

/** The reason of the typed domain error `fn` throws (undefined when it throws none); anything else is rethrown. */
/** The message of what `fn` throws, or null when it does not throw. */
export function thrownMessage(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export function thrownReason(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    const reason = (error as { reason?: unknown } | null)?.reason;
    if (typeof reason === 'string') return reason;
    throw error;
  }
  return undefined;
}
