import { WORKSPACE_EXPANSIONS, type WorkspaceExpansion } from "./powerBiTypes";
import type { WorkspaceSummary } from "./simulatedWorkspace";

export const MAX_TOP = 5000;

/** One `field eq 'value'` clause of the `$filter` subset the simulator understands. */
export interface FilterClause {
  readonly field: "state" | "type";
  readonly value: string;
}

export interface PowerBiQuery {
  readonly top: number;
  readonly skip: number;
  readonly expand: ReadonlySet<WorkspaceExpansion>;
  readonly filter: readonly FilterClause[];
}

const OPTIONS = ["$top", "$skip", "$expand", "$filter"];
const CLAUSE = /^(state|type)\s+eq\s+'((?:[^']|'')*)'$/;

/**
 * Parses the query of Get Groups As Admin: `$top` required (1..5000), `$skip`, `$expand` from the six arrays, and
 * `$filter` as `state|type eq '…'` joined by `and`. Returns the reason as a string when the service would answer 400.
 */
export function parsePowerBiQuery(query: URLSearchParams): PowerBiQuery | string {
  const unknown = [...query.keys()].find((key) => !OPTIONS.includes(key));
  if (unknown !== undefined) return `The query parameter '${unknown}' is not supported.`;
  const top = query.get("$top");
  if (top === null) return "The $top query parameter is required.";
  if (!/^\d{1,5}$/.test(top) || Number(top) < 1 || Number(top) > MAX_TOP) {
    return `The $top query parameter must be an integer between 1 and ${MAX_TOP}.`;
  }
  const skip = query.get("$skip") ?? "0";
  if (!/^\d{1,9}$/.test(skip)) return "The $skip query parameter must be a non-negative integer.";
  const expand = new Set<WorkspaceExpansion>();
  const expandText = query.get("$expand");
  for (const part of expandText === null ? [] : expandText.split(",")) {
    const name = part.trim();
    const known = WORKSPACE_EXPANSIONS.find((expansion) => expansion === name);
    if (known === undefined) return `Could not find a property named '${name}' to expand on type 'AdminGroup'.`;
    expand.add(known);
  }
  const filter: FilterClause[] = [];
  const filterText = query.get("$filter");
  for (const part of filterText === null ? [] : filterText.trim().split(/\s+and\s+/)) {
    const match = CLAUSE.exec(part.trim());
    const field = match?.[1];
    const value = match?.[2];
    if ((field !== "state" && field !== "type") || value === undefined) {
      return `The simulator's $filter supports only state/type eq '…' joined by 'and'; got '${filterText}'.`;
    }
    filter.push({ field, value: value.replaceAll("''", "'") });
  }
  return { top: Number(top), skip: Number(skip), expand, filter };
}

/** True when the workspace passes every clause of the filter. */
export function matchesFilter(summary: WorkspaceSummary, filter: readonly FilterClause[]): boolean {
  return filter.every((clause) => summary[clause.field] === clause.value);
}
