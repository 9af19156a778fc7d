import { HttpRequest, InvocationContext, type HttpResponseInit } from "@azure/functions";
import type { ApiContext } from "../../src/api/apiContext";
import { apiHandler, type ApiHandler } from "../../src/api/httpHandler";

export interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** Calls an API handler the way the Functions host would, with `new HttpRequest` and `new InvocationContext`. */
export async function callApi(
  api: ApiContext,
  handler: ApiHandler,
  params: Record<string, string>,
  query: Record<string, string> = {},
): Promise<ApiAnswer> {
  const url = new URL("http://localhost/api/test");
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  const response: HttpResponseInit = await apiHandler(handler, () => Promise.resolve(api))(
    new HttpRequest({ method: "GET", url: url.toString(), params }),
    new InvocationContext({ functionName: "test" }),
  );
  return { status: response.status ?? 200, body: response.jsonBody as Record<string, unknown> };
}

/** Every item of a paged route, following continuation tokens to the end. */
export async function readAllPages(
  api: ApiContext,
  handler: ApiHandler,
  params: Record<string, string>,
  top = 1000,
): Promise<{ items: Record<string, unknown>[]; pages: number }> {
  const items: Record<string, unknown>[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const answer = await callApi(api, handler, params, {
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
