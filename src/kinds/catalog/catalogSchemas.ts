import { z } from "zod";
import { itemsPageSchema, named, text } from "../../api/schemas";

export const itemSchema = named(
  "Item",
  "A workspace or an item of one (report, semantic model, dashboard, dataflow, datamart, Fabric item) as the scanner " +
    "describes it, with `type` (Fabric's name) and `workspaceId`; an upstream `type` is kept as `upstreamType`.",
  z.looseObject({ id: z.string(), type: z.string(), workspaceId: z.string().optional(), name: text }),
);

export const catalogItemsPageSchema = itemsPageSchema("ItemsPage", "One page of catalog items.", itemSchema);

export const datasourceSchema = named(
  "Datasource",
  "A data source instance as the scanner lists it, plus `usedBy`: the number of items that use it directly.",
  z.looseObject({ datasourceId: z.string(), datasourceType: text, usedBy: z.number() }),
);

export const datasourcesPageSchema = itemsPageSchema("DatasourcesPage", "One page of data sources.", datasourceSchema);

const nodeSchema = named(
  "LineageNode",
  "An item or data source in a lineage answer.",
  z.object({ id: z.string(), type: z.string(), name: z.string().optional(), workspaceId: z.string().optional() }),
);

export const lineageSchema = named(
  "Lineage",
  "The whole downstream or upstream of an id: every node reached (the root first) and the edges, from upstream to.",
  z.object({
    snapshotId: z.string(),
    direction: z.enum(["downstream", "upstream"]),
    root: nodeSchema,
    nodes: z.array(nodeSchema),
    edges: z.array(z.object({ from: z.string(), to: z.string() })),
  }),
);
