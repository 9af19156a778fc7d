import type { SimulatedTenant } from "../../dev/simulator/simulatedTenant";
import type { ScanOptions, ScanRequest, WorkspaceInfoResponse } from "../../dev/simulator/scannerTypes";
import { getJson, type JsonAnswer } from "./simulatorClient";

export const SCANNER = "/v1.0/myorg/admin/workspaces";

/** A clock tests move by hand; the scanner and edits read it. */
export class TestClock {
  constructor(public time = Date.UTC(2025, 0, 15, 9, 0, 0)) {}
  readonly now = (): number => this.time;
  advance(ms: number): void {
    this.time += ms;
  }
}

/** The query string of getInfo for these options (every flag spelled, as the product sends them). */
export function scanQuery(options: Partial<ScanOptions>): string {
  return new URLSearchParams(
    Object.entries(options).map(([name, value]) => [name, value ? "True" : "False"] as [string, string]),
  ).toString();
}

/** POST getInfo with a raw body. */
export async function postGetInfo(
  tenant: SimulatedTenant,
  token: string | undefined,
  body: string,
  query = "",
): Promise<JsonAnswer> {
  const response = await fetch(`${tenant.url}${SCANNER}/getInfo${query === "" ? "" : `?${query}`}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body,
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

/** Starts a scan of `ids`; fails the test unless the service accepts it. */
export async function startScan(
  tenant: SimulatedTenant,
  token: string,
  ids: readonly string[],
  options: Partial<ScanOptions>,
): Promise<ScanRequest> {
  const answer = await postGetInfo(tenant, token, JSON.stringify({ workspaces: ids }), scanQuery(options));
  if (answer.status !== 202) throw new Error(`getInfo answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body as ScanRequest;
}

/**
 * A whole scan: getInfo, scanStatus until Succeeded (moving `clock` past the scan delay when given), scanResult.
 * For tenants whose scans succeed at once or on a clock the test moves.
 */
export async function scanAll(
  tenant: SimulatedTenant,
  token: string,
  ids: readonly string[],
  options: Partial<ScanOptions>,
  clock?: TestClock,
): Promise<WorkspaceInfoResponse> {
  const scan = await startScan(tenant, token, ids, options);
  if (clock !== undefined) clock.advance(tenant.scanner.settings.scanDelayMs);
  const status = await getJson(tenant, `${SCANNER}/scanStatus/${scan.id}`, token);
  if ((status.body as ScanRequest).status !== "Succeeded") {
    throw new Error(`scan not done: ${JSON.stringify(status.body)}`);
  }
  const result = await getJson(tenant, `${SCANNER}/scanResult/${scan.id}`, token);
  if (result.status !== 200) throw new Error(`scanResult answered ${result.status}: ${JSON.stringify(result.body)}`);
  return result.body as WorkspaceInfoResponse;
}
