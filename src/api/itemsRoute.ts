import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { z } from "zod";
import type { SnapshotRecord } from "../store/manifestStore";
import { readItemsAfter, type RowSetRange } from "../store/rowReader";
import { badRequest } from "./apiError";
import type { ApiContext } from "./apiContext";
import { conditional } from "./caching";
import { exportResponse } from "./exportResponse";
import { checkFields, fieldsParam, pickFields } from "./fields";
import { json } from "./httpHandler";
import { booleanParam, tokenParam, topParam } from "./query";
import { chooseFormat, formatParam, type Format } from "./responseFormat";
import { succeededSnapshot } from "./snapshotsApi";
import { operation, type Operation, type ResponseDoc } from "./operation";
import { snapshotPath } from "./paths";

type Item = Record<string, unknown>;

/** The documented answer of a route that lists items page by page or streams them all as CSV or NDJSON. */
export function listOrExportResponse(noun: string, schema: ResponseDoc["schema"]): ResponseDoc {
  return {
    status: 200,
    description: `a page of ${noun}s, or the whole selection as a file`,
    schema,
    media: {
      "text/csv": "RFC 4180 CSV with a header row; nested values as JSON text",
      "application/x-ndjson": `one ${noun} per line`,
    },
  };
}

/** Parameters every item list takes besides its filters. */
export const itemsQueryShape = {
  top: topParam,
  continuationToken: tokenParam,
  format: formatParam,
  bom: booleanParam.optional().describe("format=csv only: start with a UTF-8 byte order mark, for Excel"),
  fields: fieldsParam,
};

export interface ItemsQuery {
  top: number;
  continuationToken?: string | undefined;
  format?: Format | undefined;
  bom?: boolean | undefined;
  fields?: string[] | undefined;
}

/** True for a row key of an item, `hash8|encoded id` (rowKeys.ts): what a position must be. */
export function isItemPosition(position: string): boolean {
  return /^[0-9a-f]{8}\|[^|~]+$/.test(position);
}

/** A list route of a kind, as the kind declares it. */
export interface ItemListSpec<F extends z.ZodRawShape> {
  kind: string;
  /** The row set listed, one item per row (with its overflow rows). */
  rowSet: string;
  /** The manifest counts that add up to the items the row set holds, which size each read to a page. */
  itemCounts: readonly string[];
  summary: string;
  description: string;
  tags: readonly string[];
  /** What one item is called, for the docs and file names: "user". */
  noun: string;
  pageSchema: NonNullable<ResponseDoc["schema"]>;
  /** Filter parameters, each reading an index column the kind's rows carry. */
  filters: F;
  /** The OData condition on index columns for the filters given; undefined when none is. */
  columns(query: z.output<z.ZodObject<F>>): string | undefined;
  /** The properties `fields` may name (case matters), and the CSV columns when it is not given. */
  known: readonly string[];
  /** Properties the list leaves out of every item (large arrays its own item route serves). */
  omit?: readonly string[];
}

/** GET /snapshots/{snapshotId}/<list>: a kind's items, filtered, paged, or exported as CSV or NDJSON. */
export function itemListOperation<F extends z.ZodRawShape>(spec: ItemListSpec<F>): Operation {
  const query = z.object({ ...itemsQueryShape, ...spec.filters });
  return operation(
    {
      summary: spec.summary,
      description: spec.description,
      tags: spec.tags,
      path: snapshotPath,
      query,
      responses: [listOrExportResponse(spec.noun, spec.pageSchema)],
      errors: [404, 409],
      conditional: true,
    },
    (input, request, api, context) =>
      listItems(request, api, context, spec, input.query as ItemsQuery & z.output<z.ZodObject<F>>),
  );
}

/**
 * The items of a succeeded snapshot: a JSON page with a continuation token, or the whole selection streamed as CSV
 * or NDJSON. Every answer is conditional (ETag, 304).
 */
async function listItems<F extends z.ZodRawShape>(
  request: HttpRequest,
  api: ApiContext,
  context: InvocationContext,
  spec: ItemListSpec<F>,
  query: ItemsQuery & z.output<z.ZodObject<F>>,
): Promise<HttpResponseInit> {
  checkFields(query.fields, spec.known);
  const format = chooseFormat(request, query.format, ["json", "csv", "ndjson"]);
  if (format !== "json" && (request.query.has("top") || query.continuationToken !== undefined)) {
    throw badRequest("NotApplicable", `top and continuationToken page JSON; format=${format} streams every item`);
  }
  if (query.bom !== undefined && format !== "csv") throw badRequest("NotApplicable", "bom applies to format=csv");
  const columns = spec.columns(query);
  const binding = tokenBinding(query);
  const { snapshot, position } = await pagedSnapshot(request, api, spec, binding, query.continuationToken);
  const range: RowSetRange = {
    tenantId: api.tenantId,
    snapshotId: snapshot.id,
    rowSet: spec.rowSet,
    partitionBits: snapshot.partitionBits,
    items: spec.itemCounts.reduce((sum, name) => sum + (snapshot.counts[name] ?? 0), 0),
  };
  const key = {
    route: spec.rowSet,
    snapshotIds: [snapshot.id],
    latest: request.params.snapshotId === "latest",
    variant: { ...query, format },
  };
  return conditional(request, key, async () => {
    if (format === "json") {
      const items = readItemsAfter<Item>(api.rows, range, { after: position, columns, pageSize: query.top });
      const page = await takePage(items, query.top);
      return json({
        snapshotId: snapshot.id,
        items: page.items.map((item) => pickFields(omitted(item, spec.omit), query.fields)),
        continuationToken: api.tokens.encode({ route: spec.rowSet, snapshot: snapshot.id, query: binding }, page.next),
      });
    }
    const items = picked(readItemsAfter<Item>(api.rows, range, { columns }), query.fields, spec.omit);
    const options = { format, name: `${spec.rowSet}-${snapshot.id}`, columns: query.fields ?? spec.known };
    return exportResponse(items, { ...options, bom: query.bom }, context);
  });
}

/** Parameters that page or package the answer, rather than choose its items or their shape. */
const UNBOUND = new Set(["top", "continuationToken", "format", "bom"]);

/** What a token is bound to: every parameter that chooses the items or their shape (the filters, `fields`). */
function tokenBinding(query: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(query).filter(([name]) => !UNBOUND.has(name)));
}

/**
 * The snapshot a paged route reads and where its token resumes. With `latest`, a token continues the snapshot it
 * came from, so a client that keeps requesting `latest` with each token never straddles two snapshots.
 */
async function pagedSnapshot(
  request: HttpRequest,
  api: ApiContext,
  spec: { kind: string; rowSet: string },
  binding: Record<string, unknown>,
  token: string | undefined,
): Promise<{ snapshot: SnapshotRecord; position: string | undefined }> {
  const named = request.params.snapshotId ?? "";
  const id = named === "latest" && token !== undefined ? api.tokens.snapshotOf(spec.rowSet, token) : named;
  const snapshot = await succeededSnapshot(api, id, spec.kind);
  const position = api.tokens.decode({ route: spec.rowSet, snapshot: snapshot.id, query: binding }, token);
  if (position !== undefined && !isItemPosition(position)) {
    throw badRequest("InvalidContinuationToken", "continuationToken is from an older version of this API");
  }
  return { snapshot, position };
}

/** Up to `top` items and the row key to resume after, when the page is full. */
export async function takePage<T>(
  items: AsyncIterable<{ rowKey: string; item: T }>,
  top: number,
): Promise<{ items: T[]; next: string | undefined }> {
  const page: T[] = [];
  let last: string | undefined;
  for await (const { rowKey, item } of items) {
    page.push(item);
    last = rowKey;
    if (page.length === top) break;
  }
  return { items: page, next: page.length === top ? last : undefined };
}

async function* picked(
  items: AsyncIterable<{ item: Item }>,
  fields: readonly string[] | undefined,
  omit: readonly string[] | undefined,
): AsyncGenerator<Item> {
  for await (const { item } of items) yield pickFields(omitted(item, omit), fields);
}

function omitted(item: Item, names: readonly string[] | undefined): Item {
  if (names === undefined || !names.some((name) => name in item)) return item;
  return Object.fromEntries(Object.entries(item).filter(([name]) => !names.includes(name)));
}
