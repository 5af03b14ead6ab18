// A small typed client for Chancery's GraphQL API, used by /explore and
// /dashboard. Every request is a POST to /graphql on the page's own origin,
// so the pages work wherever the server runs, air-gapped included.

/** The media types the pages accept, preferred first. */
const accept = "application/graphql-response+json, application/json;q=0.9";

/** One error as the API reports it, in the `errors` array of an answer. */
export interface ApiErrorEntry {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

/**
 * ApiError is a request the API refused or answered with errors. Its message
 * is the API's own (several joined with "; "), so it can be shown to the
 * user as it is; code is the first error's `extensions.code` (INVALID,
 * NOT_FOUND, QUERY_TOO_COMPLEX...), or HTTP for an answer that was not
 * GraphQL at all, or NETWORK when the server could not be reached.
 */
export class ApiError extends Error {
  readonly code: string;
  readonly errors: readonly ApiErrorEntry[];

  constructor(message: string, code: string, errors: readonly ApiErrorEntry[] = []) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.errors = errors;
  }
}

/** Options of one request. */
export interface RequestOptions {
  /** Cancels the request; a cancelled request rejects with an AbortError. */
  signal?: AbortSignal;
  /** The operation to run, when the query holds several. */
  operationName?: string;
}

/** The endpoint: /graphql on the page's origin. */
export function endpoint(): string {
  return new URL("/graphql", window.location.href).toString();
}

/**
 * gql sends a query and returns its `data`, typed as the caller says it is.
 * An answer with any error rejects with an ApiError that carries the API's
 * messages, even when some data came with it: the pages draw only answers
 * that are whole.
 */
export async function gql<T>(
  query: string,
  variables: Record<string, unknown> = {},
  options: RequestOptions = {},
): Promise<T> {
  const url = endpoint();
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { Accept: accept, "Content-Type": "application/json" },
      body: JSON.stringify({ query, variables, operationName: options.operationName }),
      signal: options.signal ?? null,
    });
  } catch (err) {
    if (isAbort(err)) {
      throw err;
    }
    const why = err instanceof Error ? err.message : String(err);
    throw new ApiError(`Could not reach the Chancery API at ${url}: ${why}`, "NETWORK");
  }
  const text = await res.text();
  let body: { data?: T | null; errors?: ApiErrorEntry[] };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    const status = `${res.status} ${res.statusText}`.trim();
    throw new ApiError(`The API answered ${status} with a body that is not JSON: ${text.slice(0, 300)}`, "HTTP");
  }
  if (body.errors && body.errors.length > 0) {
    const message = body.errors.map((e) => e.message).join("; ");
    throw new ApiError(message, body.errors[0]?.extensions?.code ?? "ERROR", body.errors);
  }
  if (body.data === undefined || body.data === null) {
    throw new ApiError(`The API answered ${res.status} without data`, "HTTP");
  }
  return body.data;
}

/** isAbort tells whether err is what fetch throws for a cancelled request. */
export function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === "AbortError";
}

/** describe gives the text to show the user for a failed request. */
export function describe(err: unknown): string {
  if (err instanceof ApiError) {
    return err.code === "NETWORK" || err.code === "HTTP" || err.code === "ERROR"
      ? err.message
      : `${err.message} (${err.code})`;
  }
  return err instanceof Error ? err.message : String(err);
}

/**
 * literal writes a value as a GraphQL literal: a string quoted and escaped
 * as JSON (which GraphQL strings accept), a number or boolean as it is, a
 * list of enum names bare. For queries that are shown to be copied, which
 * read better with their arguments written in.
 */
export function literal(value: string | number | boolean): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}
