import type { Fetcher, FetcherOpts, FetcherParams } from "@graphiql/toolkit";
import { Kind, parse } from "graphql";

/** The media types the playground accepts, preferred first. */
const accept = "application/graphql-response+json, application/json;q=0.9";

/**
 * graphqlFetcher sends GraphiQL's requests to the endpoint by POST, with the
 * headers from its headers editor (a bearer token for mutations, say).
 *
 * The server answers a query that does not validate with status 400 and a
 * GraphQL body, whose errors are what the user needs to see, so any JSON
 * body is returned whatever the status; only an answer that is not JSON
 * becomes an error, which says what came back.
 */
export function graphqlFetcher(endpoint: string): Fetcher {
  return async (params: FetcherParams, opts?: FetcherOpts) => {
    const res = await fetch(endpoint, {
      method: "POST",
      headers: {
        Accept: accept,
        ...opts?.headers,
        "Content-Type": "application/json",
      },
      body: JSON.stringify({ ...params, operationName: operationName(params) }),
    });
    const text = await res.text();
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      const status = `${res.status} ${res.statusText}`.trim();
      throw new Error(`${endpoint} answered ${status} with a body that is not JSON: ${text.slice(0, 500)}`);
    }
  };
}

/**
 * operationName is the operation to run. GraphiQL learns the operations of
 * a tab's document a moment after the tab is shown, so a query run at once
 * after switching tabs comes with the operation name of the tab before,
 * which the server rightly refuses. A name the document does not define is
 * therefore dropped when the document has one operation, which is then the
 * one that runs; otherwise GraphiQL's choice stands.
 */
export function operationName(params: FetcherParams): string | null | undefined {
  const name = params.operationName;
  if (!name) {
    return name;
  }
  let names: (string | undefined)[];
  try {
    names = parse(params.query, { noLocation: true })
      .definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION)
      .map((d) => d.name?.value);
  } catch {
    return name; // the server says what is wrong with it
  }
  return names.length === 1 && !names.includes(name) ? undefined : name;
}
