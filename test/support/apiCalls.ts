import { HttpRequest, HttpResponse, InvocationContext } from "@azure/functions";
import { inventoryFor } from "../../src/app/inventory";
import type { Config } from "../../src/config/config";
import { functionDefinitions, type HttpFunction } from "../../src/functions/definitions";

export interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** Calls a registered HTTP function by its name, with path parameters and a query. */
export type ApiCall = (
  name: string,
  params: Record<string, string>,
  query?: Record<string, string>,
) => Promise<ApiAnswer>;

/** Calls the registered functions the way the Functions host would, with `new HttpRequest` and `new InvocationContext`. */
export function apiCaller(config: Config): ApiCall {
  const functions = functionDefinitions(inventoryFor(config)).filter((d): d is HttpFunction => d.trigger === "http");
  return async (name, params, query = {}) => {
    const definition = functions.find((candidate) => candidate.name === name);
    if (definition === undefined) throw new Error(`no function named ${name}`);
    const url = new URL("http://localhost/api/test");
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const result = await definition.handler(
      new HttpRequest({ method: definition.methods[0]!, url: url.toString(), params }),
      new InvocationContext({ functionName: name }),
    );
    const response = result instanceof HttpResponse ? result : new HttpResponse(result);
    const text = await response.text();
    return { status: response.status, body: (text === "" ? {} : JSON.parse(text)) as Record<string, unknown> };
  };
}

/** Every item of a paged route, following continuation tokens to the end. */
export async function readAllPages(
  call: ApiCall,
  name: string,
  params: Record<string, string>,
  top = 1000,
): Promise<{ items: Record<string, unknown>[]; pages: number }> {
  const items: Record<string, unknown>[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const answer = await call(name, params, {
      top: String(top),
      ...(token === undefined ? {} : { continuationToken: token }),
    });
    if (answer.status !== 200)
      throw new Error(`page ${pages + 1} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    items.push(...(answer.body.items as Record<string, unknown>[]));
    token = (answer.body.continuationToken as string | null) ?? undefined;
    pages++;
  } while (token !== undefined);
  return { items, pages };
}
