import type { HttpHandler, HttpMethod, InvocationContext, Timer } from "@azure/functions";
import { dashboardOperations } from "../api/dashboard/dashboardApi";
import { diffOperations } from "../api/diff/diffApi";
import { healthOperation } from "../api/healthApi";
import { apiHandler, plainHandler } from "../api/httpHandler";
import type { AuthLevel } from "../api/openApi";
import { openApiOperation } from "../api/openApiRoute";
import type { Operation, OperationDoc, PlainOperation } from "../api/operation";
import { getSnapshotOperation, listSnapshotsOperation } from "../api/snapshotsApi";
import { requestSyncOperation } from "../api/syncRequestApi";
import type { Inventory } from "../app/inventory";
import { timerName } from "../kinds/kind";
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
  /**
   * A timer the local host runs right after a successful answer: an on-demand sync starts at once locally, while
   * in Azure the resume timer's schedule starts it within a minute.
   */
  localFollowUp?: string;
}

export interface TimerFunction {
  trigger: "timer";
  name: string;
  schedule: string;
  handler: (timer: Timer, context: InvocationContext) => Promise<void>;
}

export type FunctionDefinition = HttpFunction | TimerFunction;

/** The frequent timer that starts queued runs and continues paused ones. */
export const RESUME_TIMER = "resumeSyncs";

/**
 * Every function the app registers, derived from the inventory's kinds. Azure registration (src/index.ts) and the
 * local host both read this list, so what runs locally is what deploys. Data routes and the dashboard need a
 * function key, starting a sync an admin key; only health and the OpenAPI document are anonymous.
 */
export function functionDefinitions(inventory: Inventory): FunctionDefinition[] {
  const api = () => inventory.api();
  const names = inventory.kinds.map((kind) => kind.name);
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
  const diff = diffOperations(names);
  const sync = requestSyncOperation(names);
  const dashboard = dashboardOperations(inventory.kinds);
  const routes: HttpFunction[] = [
    anonymous("health", "health", healthOperation),
    data("listSnapshots", "snapshots", listSnapshotsOperation(names)),
    data("getSnapshot", "snapshots/{snapshotId}", getSnapshotOperation(names)),
    ...inventory.kinds.flatMap((kind) => kind.routes.map(({ name, route, operation }) => data(name, route, operation))),
    data("diffSnapshots", "snapshots/{snapshotId}/diff/{toSnapshotId}", diff.diff),
    data("diffSummary", "snapshots/{snapshotId}/diff/{toSnapshotId}/summary", diff.summary),
    data("dashboard", "dashboard", dashboard.page),
    data("dashboardData", "dashboard/data", dashboard.data),
    {
      ...http("requestSync", "sync/{kind}", "admin", sync, apiHandler(sync.handler, api), ["POST"]),
      localFollowUp: RESUME_TIMER,
    },
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
    ...inventory.kinds.map((kind): TimerFunction => ({
      trigger: "timer",
      name: timerName(kind.name),
      schedule: kind.schedule,
      handler: timerSync(kind.name, (hooks) => inventory.sync(kind.name, hooks)),
    })),
    {
      trigger: "timer",
      name: RESUME_TIMER,
      schedule: inventory.config.resumeSchedule,
      handler: timerResume(names, (kind, hooks) => inventory.resume(kind, hooks)),
    },
  ];
}
