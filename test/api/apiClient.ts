import { inventoryFor, type Inventory } from "../../src/app/inventory";
import { HttpRequest, HttpResponse, InvocationContext } from "@azure/functions";
import type { Config } from "../../src/config/config";
import { functionDefinitions, type HttpFunction } from "../../src/functions/definitions";

export interface Answer {
  status: number;
  headers: Headers;
  /** The body's bytes as sent (a byte order mark included). */
  bytes: Buffer;
  text: string;
  /** The parsed body when it is JSON. */
  body: Record<string, unknown>;
}

export interface Call {
  params?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
}

/**
 * Calls the registered HTTP functions by name, the way the Functions host does (`new HttpRequest`,
 * `new InvocationContext`), through the same wrappers Azure registers, and reads streamed bodies to the end.
 */
export class ApiClient {
  readonly routes: Map<string, HttpFunction>;
  readonly errors: string[] = [];

  /** A configuration's functions, as the process's inventory for it registers them, or an inventory's own. */
  constructor(app: Config | Inventory) {
    const inventory = "sync" in app ? app : inventoryFor(app);
    const http = functionDefinitions(inventory).filter((d): d is HttpFunction => d.trigger === "http");
    this.routes = new Map(http.map((definition) => [definition.name, definition]));
  }

  async call(name: string, { params = {}, query = {}, headers = {} }: Call = {}): Promise<Answer> {
    const route = this.routes.get(name);
    if (route === undefined) throw new Error(`no HTTP function ${name}`);
    const path = route.route.replace(/\{(\w+)\}/g, (_, param: string) => encodeURIComponent(params[param] ?? ""));
    const url = new URL(`http://localhost/api/${path}`);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const context = new InvocationContext({
      functionName: name,
      logHandler: (level, ...args) => {
        if (level === "error") this.errors.push(args.map(String).join(" "));
      },
    });
    const result = await route.handler(
      new HttpRequest({ method: route.methods[0]!, url: url.href, params, headers }),
      context,
    );
    const response = result instanceof HttpResponse ? result : new HttpResponse(result);
    const bytes = Buffer.from(await response.arrayBuffer());
    const text = bytes.toString("utf8");
    const type = response.headers.get("content-type") ?? "";
    const body = type.startsWith("application/json") ? (JSON.parse(text) as Record<string, unknown>) : {};
    return { status: response.status, headers: response.headers, bytes, text, body };
  }

  /** Every item of a paged route, following continuation tokens on the same URL until the end. */
  async allPages(
    name: string,
    params: Record<string, string>,
    query: Record<string, string> = {},
  ): Promise<{ items: Record<string, unknown>[]; pages: number }> {
    const items: Record<string, unknown>[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const answer = await this.call(name, {
        params,
        query: { ...query, ...(token === undefined ? {} : { continuationToken: token }) },
      });
      if (answer.status !== 200) throw new Error(`page ${pages + 1} answered ${answer.status}: ${answer.text}`);
      items.push(...(answer.body.items as Record<string, unknown>[]));
      token = (answer.body.continuationToken as string | null) ?? undefined;
      pages++;
    } while (token !== undefined);
    return { items, pages };
  }
}

/** The error code of an error answer. */
export function errorCode(answer: Answer): string | undefined {
  return (answer.body.error as { code?: string } | undefined)?.code;
}

/** The error message of an error answer. */
export function errorMessage(answer: Answer): string {
  return (answer.body.error as { message?: string } | undefined)?.message ?? "";
}
