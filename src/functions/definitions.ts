import type { HttpHandler, HttpMethod, InvocationContext, Timer } from "@azure/functions";
import type { Config } from "../config/config";
import { lazyApiContext } from "../api/apiContext";
import { diffSnapshotsOperation, diffSummaryOperation } from "../api/diff/diffApi";
import { healthOperation } from "../api/healthApi";
import { apiHandler, plainHandler } from "../api/httpHandler";
import type { AuthLevel } from "../api/openApi";
import { openApiOperation } from "../api/openApiRoute";
import type { Operation, OperationDoc, PlainOperation } from "../api/operation";
import { getSnapshotOperation, listSnapshotsOperation } from "../api/snapshotsApi";
import { listUsersOperation } from "../api/usersApi";
import { getWorkspaceOperation, listWorkspacesOperation } from "../api/workspacesApi";
import { requestSyncOperation } from "./syncRequest";
import { timerResume, timerSync } from "./timerSync";

export type { AuthLevel };

export interface HttpFunction {
  trigger: "http";
  name: string;
  route: string;
  methods: HttpMethod[];
  authLevel: AuthLevel;
  handler: HttpHandler;
  /** What the OpenAPI document says about it; its schemas are the ones the handler validates with. */
  doc: OperationDoc;
}

export interface TimerFunction {
  trigger: "timer";
  name: string;
  schedule: string;
  handler: (timer: Timer, context: InvocationContext) => Promise<void>;
}

export type FunctionDefinition = HttpFunction | TimerFunction;

/**
 * Every function the app registers. Azure registration (src/index.ts) and the local host both read this list, so
 * what runs locally is what deploys. Data routes need a function key, starting a sync an admin key; only health and
 * the OpenAPI document are anonymous.
 */
export function functionDefinitions(config: Config): FunctionDefinition[] {
  const api = lazyApiContext(config);
  const http = (
    name: string,
    route: string,
    authLevel: AuthLevel,
    { doc }: { doc: OperationDoc },
    handler: HttpHandler,
    methods: HttpMethod[] = ["GET"],
  ): HttpFunction => ({ trigger: "http", name, route, methods, authLevel, handler, doc });
  const data = (name: string, route: string, operation: Operation): HttpFunction =>
    http(name, route, "function", operation, apiHandler(operation.handler, api));
  const anonymous = (name: string, route: string, operation: PlainOperation): HttpFunction =>
    http(name, route, "anonymous", operation, plainHandler(operation.handler));
  const routes: HttpFunction[] = [
    anonymous("health", "health", healthOperation),
    data("listSnapshots", "snapshots", listSnapshotsOperation),
    data("getSnapshot", "snapshots/{snapshotId}", getSnapshotOperation),
    data("listUsers", "snapshots/{snapshotId}/users", listUsersOperation),
    data("listWorkspaces", "snapshots/{snapshotId}/workspaces", listWorkspacesOperation),
    data("getWorkspace", "snapshots/{snapshotId}/workspaces/{workspaceId}", getWorkspaceOperation),
    data("diffSnapshots", "snapshots/{snapshotId}/diff/{toSnapshotId}", diffSnapshotsOperation),
    data("diffSummary", "snapshots/{snapshotId}/diff/{toSnapshotId}/summary", diffSummaryOperation),
    http("requestSync", "sync/{kind}", "admin", requestSyncOperation, apiHandler(requestSyncOperation.handler, api), [
      "POST",
    ]),
  ];
  routes.push(
    anonymous(
      "openApi",
      "openapi.json",
      openApiOperation(() => routes),
    ),
  );
  return [
    ...routes,
    { trigger: "timer", name: "syncUsers", schedule: config.schedules.users, handler: timerSync("users", config) },
    {
      trigger: "timer",
      name: "syncWorkspaces",
      schedule: config.schedules.workspaces,
      handler: timerSync("workspaces", config),
    },
    { trigger: "timer", name: "resumeSyncs", schedule: config.schedules.resume, handler: timerResume(config) },
  ];
}
