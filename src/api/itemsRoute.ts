import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { SnapshotRecord } from "../store/manifestStore";
import { readItemsAfter, type RowSetRange } from "../store/rowReader";
import type { SnapshotKind } from "../store/snapshot";
import { badRequest } from "./apiError";
import type { ApiContext } from "./apiContext";
import { conditional } from "./caching";
import { exportResponse } from "./exportResponse";
import { checkFields, fieldsParam, pickFields } from "./fields";
import { json } from "./httpHandler";
import { booleanParam, tokenParam, topParam } from "./query";
import { chooseFormat, formatParam, type Format } from "./responseFormat";
import { succeededSnapshot } from "./snapshotsApi";
import type { ResponseDoc } from "./operation";

type Item = Record<string, unknown>;

/** Parameters every item list takes besides its filters. */
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

/** True for a row key of a user or workspace, `hash8|encoded id` (rowKeys.ts): what a position must be. */
export function isItemPosition(position: string): boolean {
  return /^[0-9a-f]{8}\|[^|~]+$/.test(position);
}

/** What one list route reads: its kind, the OData condition of its filters, and the properties `fields` may name. */
export interface ItemsSource {
  kind: SnapshotKind;
  columns: string | undefined;
  known: readonly string[];
}

/**
 * The users or workspaces of a succeeded snapshot: a JSON page with a continuation token, or the whole selection
 * streamed as CSV or NDJSON. Every answer is conditional (ETag, 304).
 */
export async function listItems(
  request: HttpRequest,
  api: ApiContext,
  context: InvocationContext,
  source: ItemsSource,
  query: ItemsQuery & Record<string, unknown>,
): Promise<HttpResponseInit> {
  checkFields(query.fields, source.known);
  const format = chooseFormat(request, query.format, ["json", "csv", "ndjson"]);
  if (format !== "json" && (request.query.has("top") || query.continuationToken !== undefined)) {
    throw badRequest("NotApplicable", `top and continuationToken page JSON; format=${format} streams every item`);
  }
  if (query.bom !== undefined && format !== "csv") throw badRequest("NotApplicable", "bom applies to format=csv");
  const { snapshot, position } = await pagedSnapshot(request, api, source.kind, query.continuationToken);
  const range: RowSetRange = {
    tenantId: api.tenantId,
    snapshotId: snapshot.id,
    rowSet: source.kind,
    partitionBits: snapshot.partitionBits,
  };
  const key = {
    route: source.kind,
    snapshotIds: [snapshot.id],
    latest: request.params.snapshotId === "latest",
    variant: { ...query, format },
  };
  return conditional(request, key, async () => {
    if (format === "json") {
      const items = readItemsAfter<Item>(api.rows, range, {
        after: position,
        columns: source.columns,
        pageSize: query.top,
      });
      const page = await takePage(items, query.top);
      return json({
        snapshotId: snapshot.id,
        items: page.items.map((item) => pickFields(item, query.fields)),
        continuationToken: api.tokens.encode(source.kind, snapshot.id, page.next),
      });
    }
    const items = picked(readItemsAfter<Item>(api.rows, range, { columns: source.columns }), query.fields);
    const options = { format, name: `${source.kind}-${snapshot.id}`, columns: query.fields ?? source.known };
    return exportResponse(items, { ...options, bom: query.bom }, context);
  });
}

/**
 * The snapshot a paged route reads and where its token resumes. With `latest`, a token continues the snapshot it
 * came from, so a client that keeps requesting `latest` with each token never straddles two snapshots.
 */
async function pagedSnapshot(
  request: HttpRequest,
  api: ApiContext,
  kind: SnapshotKind,
  token: string | undefined,
): Promise<{ snapshot: SnapshotRecord; position: string | undefined }> {
  const named = request.params.snapshotId ?? "";
  const id = named === "latest" && token !== undefined ? api.tokens.snapshotOf(kind, token) : named;
  const snapshot = await succeededSnapshot(api, id, kind);
  const position = api.tokens.decode(kind, snapshot.id, token);
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
): AsyncGenerator<Item> {
  for await (const { item } of items) yield pickFields(item, fields);
}
