/** A lineage node as the API answers it. */
interface LineageNode {
  id: string;
  type: string;
  name: string;
  workspaceId?: string;
}

/**
 * What the catalog examples must print, asked of the API directly (`api` answers a path under /api, asserting 200).
 * Each answer is checked to be one worth showing, so an example cannot pass by printing nothing.
 */
export function catalogAnswers(api: (path: string) => Promise<Response>) {
  const body = async <T>(path: string): Promise<T> => (await (await api(path)).json()) as T;
  const lineage = async (id: string, direction: string) =>
    (await body<{ nodes: LineageNode[] }>(`/snapshots/latest/lineage/${id}?direction=${direction}`)).nodes;
  return {
    /** Every item downstream of each data source on `server`, the data sources left out. */
    downstreamOfServer: async (server: string): Promise<LineageNode[]> => {
      const sources = await body<{ items: { datasourceId: string }[] }>(
        `/snapshots/latest/datasources?server=${server}`,
      );
      expect(sources.items.length).toBeGreaterThan(0);
      const nodes: LineageNode[] = [];
      for (const { datasourceId } of sources.items) {
        nodes.push(...(await lineage(datasourceId, "downstream")).filter((node) => node.type !== "Datasource"));
      }
      expect(nodes.map((node) => node.type)).toEqual(expect.arrayContaining(["SemanticModel", "Report"]));
      return nodes;
    },
    /** Everything upstream of the first report whose name starts with `prefix`, the report itself included. */
    upstreamOfFirstReport: async (prefix: string): Promise<LineageNode[]> => {
      const reports = await body<{ items: { id: string; name: string }[] }>(
        `/snapshots/latest/items?type=Report&search=${prefix}&top=1`,
      );
      const report = reports.items[0]!;
      expect(report.name.toLowerCase().startsWith(prefix)).toBe(true);
      const nodes = await lineage(report.id, "upstream");
      expect(nodes.map((node) => node.type)).toEqual(expect.arrayContaining(["Report", "SemanticModel", "Datasource"]));
      return nodes;
    },
    /** The semantic models without endorsement, as the example selects their fields. */
    unendorsedModels: async (): Promise<unknown[]> => {
      const { items } = await body<{ items: { id: string }[] }>(
        "/snapshots/latest/items?type=SemanticModel&endorsement=None&fields=id,name,workspaceId&top=1000",
      );
      const endorsed = await body<{ items: unknown[] }>("/snapshots/latest/items?type=SemanticModel&top=1000");
      expect(items.length).toBeGreaterThan(0);
      expect(items.length).toBeLessThan(endorsed.items.length);
      return items;
    },
  };
}
