import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./generated/openapi";

/**
 * A client written as a user of the API would write it: types that openapi-typescript generated from the live
 * /api/openapi.json, and openapi-fetch. test/clients/generatedClient.test.ts generates the types, type-checks this
 * file with tsc, runs it against a local host and compares what it sends back (over IPC) with the API's answers.
 */

type User = components["schemas"]["User"];

export interface ClientReport {
  /** Every guest, read page by page with a filter. */
  guests: User[];
  pages: number;
  csv: string;
  workspace: components["schemas"]["WorkspaceDetail"];
  summary: components["schemas"]["DiffSummary"];
  summaryOf: { from: string; to: string };
  /** Every JSON answer as received, for the test to validate against the document's schemas. */
  exchanges: { method: string; path: string; status: number; body: unknown }[];
}

const baseUrl = process.env.INVENTORY_API;
if (baseUrl === undefined) throw new Error("INVENTORY_API: not set");

const exchanges: ClientReport["exchanges"] = [];
const recordJson: Middleware = {
  async onResponse({ request, response, schemaPath }) {
    if (!(response.headers.get("content-type") ?? "").includes("application/json")) return;
    exchanges.push({
      method: request.method,
      path: schemaPath,
      status: response.status,
      body: (await response.clone().json()) as unknown,
    });
  },
};

const api = createClient<paths>({ baseUrl });
api.use(recordJson);

/** The route can also answer CSV or NDJSON (format=), so its type is a union; without format= it is JSON. */
function jsonAnswer<T extends object>(data: T | string | undefined, operation: string): T {
  if (data === undefined || typeof data === "string") throw new Error(`${operation}: not a JSON answer`);
  return data;
}

async function guestsPageByPage(): Promise<{ guests: User[]; pages: number }> {
  const guests: User[] = [];
  let pages = 0;
  let continuationToken: string | undefined;
  do {
    const { data, error } = await api.GET("/snapshots/{snapshotId}/users", {
      params: { path: { snapshotId: "latest" }, query: { userType: "Guest", top: 3, continuationToken } },
    });
    if (error !== undefined) throw new Error(`listUsers: ${error.error.code}: ${error.error.message}`);
    const page = jsonAnswer(data, "listUsers");
    guests.push(...page.items);
    pages++;
    continuationToken = page.continuationToken ?? undefined;
  } while (continuationToken !== undefined);
  return { guests, pages };
}

async function main(): Promise<ClientReport> {
  const { guests, pages } = await guestsPageByPage();

  const csv = await api.GET("/snapshots/{snapshotId}/users", {
    params: { path: { snapshotId: "latest" }, query: { format: "csv", fields: "id,userPrincipalName,userType" } },
    parseAs: "text",
  });
  if (csv.data === undefined) throw new Error(`CSV export answered ${csv.response.status}`);

  const list = await api.GET("/snapshots/{snapshotId}/workspaces", {
    params: { path: { snapshotId: "latest" }, query: { top: 1 } },
  });
  const first = jsonAnswer(list.data, "listWorkspaces").items[0];
  if (first === undefined) throw new Error(`listWorkspaces answered ${list.response.status} with no workspace`);
  const workspace = await api.GET("/snapshots/{snapshotId}/workspaces/{workspaceId}", {
    params: { path: { snapshotId: "latest", workspaceId: first.id } },
  });
  if (workspace.data === undefined) throw new Error(`getWorkspace: ${workspace.error?.error.message}`);

  const snapshots = await api.GET("/snapshots", { params: { query: { kind: "users", top: 20 } } });
  const succeeded = (snapshots.data?.items ?? []).filter((snapshot) => snapshot.status === "succeeded");
  const [newest, previous] = succeeded;
  if (newest === undefined || previous === undefined) throw new Error("fewer than two succeeded users snapshots");
  const summary = await api.GET("/snapshots/{snapshotId}/diff/{toSnapshotId}/summary", {
    params: { path: { snapshotId: previous.id, toSnapshotId: newest.id } },
  });
  if (summary.data === undefined) throw new Error(`diffSummary: ${summary.error?.error.message}`);

  return {
    guests,
    pages,
    csv: csv.data,
    workspace: workspace.data,
    summary: summary.data,
    summaryOf: { from: previous.id, to: newest.id },
    exchanges,
  };
}

/** Never called: lines the types must refuse, so that a type check that passes says something. */
export function refusedByTheTypes(): void {
  // @ts-expect-error: no such route
  void api.GET("/snapshots/{snapshotId}/groups", { params: { path: { snapshotId: "latest" } } });
  void api.GET("/snapshots/{snapshotId}/users", {
    // @ts-expect-error: userType is Member or Guest
    params: { path: { snapshotId: "latest" }, query: { userType: "guest" } },
  });
  // @ts-expect-error: a workspace needs its workspaceId
  void api.GET("/snapshots/{snapshotId}/workspaces/{workspaceId}", { params: { path: { snapshotId: "latest" } } });
  const user = {} as User;
  // @ts-expect-error: id is a string
  const id: number = user.id;
  void id;
}

main().then(
  (report) => process.send!(report, () => process.exit(0)),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
