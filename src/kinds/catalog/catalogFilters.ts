import { odata } from "@azure/data-tables";
import { z } from "zod";
import { guidParam, namePrefixCondition, printableParam } from "../../api/filterParams";

/** Filter parameters of the items route; each reads an index column the catalog's item rows carry. */
export const itemsFilterShape = {
  type: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/, "must be an item type such as SemanticModel or Report")
    .optional()
    .describe("Workspace, Report, SemanticModel, Dashboard, Dataflow, Datamart, Lakehouse, Notebook, ..."),
  workspaceId: guidParam.optional().describe("the items of one workspace; any case"),
  endorsement: z.enum(["Promoted", "Certified", "None"]).optional().describe("Promoted, Certified or None"),
  sensitivityLabelId: guidParam.optional().describe("items with this sensitivity label; any case"),
  sensitivityLabel: z.enum(["none"]).optional().describe("none: items without a sensitivity label"),
  configuredBy: printableParam.min(1).max(256).optional().describe("who configured it (models, dataflows); any case"),
  search: printableParam.trim().min(1).max(256).optional().describe("a prefix of the name, in any case"),
};

type ItemsFilter = z.output<z.ZodObject<typeof itemsFilterShape>>;

/** The OData condition for the item filters given, on the index columns; undefined when none is. */
export function itemsColumnFilter(query: ItemsFilter): string | undefined {
  const conditions: string[] = [];
  if (query.type !== undefined) conditions.push(odata`type eq ${query.type}`);
  if (query.workspaceId !== undefined) conditions.push(odata`ws eq ${query.workspaceId.toLowerCase()}`);
  if (query.endorsement !== undefined) conditions.push(odata`endorsement eq ${query.endorsement}`);
  if (query.sensitivityLabelId !== undefined) {
    conditions.push(odata`labelId eq ${query.sensitivityLabelId.toLowerCase()}`);
  }
  if (query.sensitivityLabel === "none") conditions.push(odata`labelId eq ${""}`);
  if (query.configuredBy !== undefined) conditions.push(odata`configuredBy eq ${query.configuredBy.toLowerCase()}`);
  if (query.search !== undefined) conditions.push(namePrefixCondition(query.search));
  return conditions.length === 0 ? undefined : conditions.join(" and ");
}

/** Filter parameters of the data sources route. */
export const datasourcesFilterShape = {
  datasourceType: printableParam.min(1).max(100).optional().describe("e.g. Sql, AnalysisServices, SharePointList"),
  gatewayId: guidParam.optional().describe("data sources bound to this gateway; any case"),
  server: printableParam.min(1).max(1000).optional().describe("the exact server, in any case"),
};

type DatasourcesFilter = z.output<z.ZodObject<typeof datasourcesFilterShape>>;

export function datasourcesColumnFilter(query: DatasourcesFilter): string | undefined {
  const conditions: string[] = [];
  if (query.datasourceType !== undefined) conditions.push(odata`datasourceType eq ${query.datasourceType}`);
  if (query.gatewayId !== undefined) conditions.push(odata`gatewayId eq ${query.gatewayId.toLowerCase()}`);
  if (query.server !== undefined) conditions.push(odata`server eq ${query.server.toLowerCase()}`);
  return conditions.length === 0 ? undefined : conditions.join(" and ");
}
