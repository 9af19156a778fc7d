import type { z } from "zod";
import { describeIssue } from "../common/describeIssue";
import { UpstreamError, type UpstreamService } from "../upstream/upstreamError";

/** An upstream item that failed validation: counted and reported, never stored. */
export interface InvalidItem {
  /** The item's id when it had a usable one. */
  id: string | undefined;
  reason: string;
}

/** One page from an upstream list, as the sync consumes it; `N` is where a list continues (a link, an offset). */
export interface SourcePage<T, N = unknown> {
  items: T[];
  invalid: InvalidItem[];
  /** Where to continue after this page; undefined on the last page. */
  next: N | undefined;
  /** The service's count of all items, when it sends one. */
  total?: number;
  /**
   * More items of the same upstream page follow in the next SourcePage: a long page is handed out in parts, so that
   * its items need not all be objects at once. A part says nothing about where the list continues (`next`, `total`);
   * the page's last part does.
   */
  partial?: true;
}

/** Parses a list page's envelope; a page that is not a list is an UpstreamError, since the service sent it. */
export function parseListPage<S extends z.ZodType>(
  schema: S,
  body: unknown,
  source: { service: UpstreamService; path: string; what: string },
): z.output<S> {
  const page = schema.safeParse(body);
  if (page.success) return page.data;
  throw new UpstreamError({
    service: source.service,
    status: 200,
    serviceCode: "UnexpectedPayload",
    requestId: undefined,
    path: source.path,
    detail: `the page does not look like a ${source.what} list (${describeIssue(page.error.issues)})`,
  });
}

/** Validates a page's items one by one, so one bad item is reported on its own instead of hiding the page. */
export function validateItems<S extends z.ZodType>(
  schema: S,
  raw: readonly unknown[],
): { items: z.output<S>[]; invalid: InvalidItem[] } {
  const items: z.output<S>[] = [];
  const invalid: InvalidItem[] = [];
  for (const value of raw) {
    const item = schema.safeParse(value);
    if (item.success) items.push(item.data);
    else invalid.push({ id: idOf(value), reason: describeIssue(item.error.issues) });
  }
  return { items, invalid };
}

function idOf(raw: unknown): string | undefined {
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === "string" ? id : undefined;
}
