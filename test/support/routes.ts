import { inventoryFor } from "../../src/app/inventory";
import { HttpRequest, HttpResponse, InvocationContext } from "@azure/functions";
import type { Config } from "../../src/config/config";
import { functionDefinitions, type HttpFunction } from "../../src/functions/definitions";

export interface RouteAnswer {
  status: number;
  /** The parsed JSON body, or the raw text when it is not JSON. */
  body: unknown;
  text: string;
}

export type RouteCaller = (
  route: string,
  params?: Record<string, string>,
  query?: Record<string, string>,
  method?: string,
) => Promise<RouteAnswer>;

/** The registered HTTP functions of a configuration, as the host sees them. */
export function httpFunctions(config: Config): HttpFunction[] {
  return functionDefinitions(inventoryFor(config)).filter(
    (definition): definition is HttpFunction => definition.trigger === "http",
  );
}

/**
 * Calls registered handlers by their route template (the product's contract, not a handler's name), with
 * `new HttpRequest` and `new InvocationContext` as the host would. Context logs go to `log`.
 */
export function routeCaller(config: Config, log: (line: string) => void = () => undefined): RouteCaller {
  const functions = httpFunctions(config);
  return async (route, params = {}, query = {}, method = "GET") => {
    const definition = functions.find((candidate) => candidate.route === route);
    if (definition === undefined) throw new Error(`no function serves ${route}`);
    const path = route.replace(/\{(\w+)\??\}/g, (_, name: string) => encodeSegment(params[name] ?? ""));
    const url = new URL(`http://localhost/api/${path}`);
    for (const [name, value] of Object.entries(query)) url.searchParams.append(name, value);
    const result = await definition.handler(
      new HttpRequest({ method, url: url.toString(), params }),
      new InvocationContext({
        functionName: definition.name,
        logHandler: (_level, ...args) => log(args.map(String).join(" ")),
      }),
    );
    return readAnswer(result instanceof HttpResponse ? result : new HttpResponse(result));
  };
}

export async function readAnswer(response: HttpResponse | Response): Promise<RouteAnswer> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    // Not JSON (an export, or a host-level error): keep the text.
  }
  return { status: response.status, body, text };
}

/** True for `{"error":{"code","message",...}}` with string values, the shape of every error (PRODUCT.md). */
export function isErrorShape(body: unknown): boolean {
  if (typeof body !== "object" || body === null || Object.keys(body).join() !== "error") return false;
  const error = (body as { error: unknown }).error;
  if (typeof error !== "object" || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return typeof code === "string" && code !== "" && typeof message === "string" && message !== "";
}

/** Every item of a paged data route, following continuation tokens; throws on any answer but 200. */
export async function readAllItems(
  call: RouteCaller,
  route: string,
  params: Record<string, string>,
  top = 1000,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let token: string | undefined;
  do {
    const answer = await call(route, params, {
      top: String(top),
      ...(token === undefined ? {} : { continuationToken: token }),
    });
    if (answer.status !== 200) throw new Error(`${route} answered ${answer.status}: ${answer.text.slice(0, 300)}`);
    const body = answer.body as { items: Record<string, unknown>[]; continuationToken: string | null };
    items.push(...body.items);
    token = body.continuationToken ?? undefined;
  } while (token !== undefined);
  return items;
}

/** The URL only decorates the request (params are passed as such); a lone surrogate cannot be encoded, so say so. */
function encodeSegment(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return "unencodable";
  }
}
