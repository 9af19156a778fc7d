import { endorsement, instants, sensitivityLabel, setIf, SUBJECTS, useLocal, type BuildContext } from "./scannerBuild";
import { LOCAL_DATASOURCES } from "./scannerDatasources";
import { scanDataflowId, scanDatamartId } from "./scannerPlan";
import type { DatasourceUsage, ScanDataflow, ScanDatamart } from "./scannerTypes";
import { artifactUsers, somePerson } from "./scannerUsers";
import { isoSeconds, SeededRandom } from "./seeded";

/**
 * The dataflows of a workspace, chained: dataflow 0 reads data sources, dataflow k reads dataflow k-1 (and sometimes a
 * data source of its own), and the workspace's first model reads the last dataflow.
 */
export function scanDataflows(context: BuildContext): ScanDataflow[] {
  const { seed, index, plan, options, workspaceId } = context;
  return Array.from({ length: plan.dataflows }, (_, k) => {
    const objectId = scanDataflowId(seed, index, k);
    const random = new SeededRandom(seed, "scan-dataflow", index, k);
    const [, modified] = instants(random);
    const owner = somePerson(seed, random);
    const dataflow: ScanDataflow = {
      objectId,
      name: `${random.pick(SUBJECTS)} dataflow ${k}`,
      description: random.chance(0.5) ? "" : "Staging tables for the finance models",
      configuredBy: owner.mail,
      modifiedBy: somePerson(seed, random).mail,
      modifiedDateTime: new Date(modified).toISOString(),
      generation: random.chance(0.3) ? 2 : 1,
    };
    setIf(dataflow, "endorsementDetails", endorsement(seed, random));
    setIf(dataflow, "sensitivityLabel", sensitivityLabel(seed, random));
    const usages: DatasourceUsage[] = [];
    if (k === 0 || random.chance(0.3)) {
      const count = random.int(1, 2);
      for (let n = 0; n < count; n += 1) usages.push(useLocal(context, (k + n) % LOCAL_DATASOURCES));
    }
    if (options.lineage) {
      setIf(dataflow, "datasourceUsages", usages);
      if (k > 0)
        dataflow.upstreamDataflows = [{ targetDataflowId: scanDataflowId(seed, index, k - 1), groupId: workspaceId }];
    }
    if (options.getArtifactUsers) {
      dataflow.users = artifactUsers(seed, "dataflow", new SeededRandom(seed, "scan-users", objectId));
    }
    return dataflow;
  });
}

/** The datamarts of a workspace: each reads a data source and, when the workspace has dataflows, its first one. */
export function scanDatamarts(context: BuildContext): ScanDatamart[] {
  const { seed, index, plan, options, workspaceId } = context;
  return Array.from({ length: plan.datamarts }, (_, k) => {
    const id = scanDatamartId(seed, index, k);
    const random = new SeededRandom(seed, "scan-datamart", index, k);
    const [, modified] = instants(random);
    const owner = somePerson(seed, random);
    const editor = somePerson(seed, random);
    const datamart: ScanDatamart = {
      id,
      name: `${random.pick(SUBJECTS)} datamart ${k}`,
      description: "Self-service SQL datamart",
      type: "Sql",
      status: "Available",
      state: "Active",
      configuredBy: owner.mail,
      configuredById: owner.id,
      modifiedBy: editor.mail,
      modifiedById: editor.id,
      modifiedDateTime: isoSeconds(modified),
    };
    setIf(datamart, "endorsementDetails", endorsement(seed, random));
    setIf(datamart, "sensitivityLabel", sensitivityLabel(seed, random));
    const usage = useLocal(context, 1);
    if (options.lineage) {
      datamart.datasourceUsages = [usage];
      if (plan.dataflows > 0)
        datamart.upstreamDataflows = [{ targetDataflowId: scanDataflowId(seed, index, 0), groupId: workspaceId }];
    }
    if (options.getArtifactUsers) {
      datamart.users = artifactUsers(seed, "datamart", new SeededRandom(seed, "scan-users", id));
    }
    return datamart;
  });
}
