import { endorsement, sensitivityLabel, setIf, SUBJECTS, useHub, useLocal, type BuildContext } from "./scannerBuild";
import { hasMisconfiguredSource, LOCAL_DATASOURCES, misconfiguredDatasource, usesHub } from "./scannerDatasources";
import {
  earlierWorkspaceWith,
  EVERYTHING_WORKSPACE_INDEX,
  scanDataflowId,
  scanDatamartId,
  scanDatasetId,
} from "./scannerPlan";
import type { DatasourceUsage, ScanDataset, ScanRole, ScanTable } from "./scannerTypes";
import { artifactUsers, somePerson } from "./scannerUsers";
import { SeededRandom, seededGuid } from "./seeded";
import { workspaceSummary } from "./simulatedWorkspace";

const providers = ["PbixInImportMode", "PbixInDirectQueryMode", "PbixInCompositeMode", "RealTimeInPushMode"];
const tableNames = ["Sales", "Customers", "Products", "Date", "Regions", "Targets", "Orders", "Budget lines"];
const dataTypes = ["Int64", "String", "DateTime", "Double", "Decimal", "Boolean"];

/** The reason the service gives for a model whose schema it could not read. */
export const SCHEMA_RETRIEVAL_ERROR =
  "The dataset has never been refreshed, so its schema is not available. Refresh the dataset and scan again.";

/** Whether dataset `k` at `index` was never refreshed: with datasetSchema it has `schemaRetrievalError`, no tables. */
export function neverRefreshed(index: number, k: number): boolean {
  return (index * 3 + k) % 20 === 7 || (index === EVERYTHING_WORKSPACE_INDEX && k === 1);
}

/** The semantic models of a workspace, with schema, expressions, lineage and users only as the options ask. */
export function scanDatasets(context: BuildContext): ScanDataset[] {
  return Array.from({ length: context.plan.datasets }, (_, k) => scanDataset(context, k));
}

function scanDataset(context: BuildContext, k: number): ScanDataset {
  const { seed, index, options } = context;
  const id = scanDatasetId(seed, index, k);
  const random = new SeededRandom(seed, "scan-dataset", index, k);
  const owner = somePerson(seed, random);
  const dataset: ScanDataset = {
    id,
    name: `${random.pick(SUBJECTS)} model ${k}`,
    configuredBy: owner.mail,
    configuredById: owner.id,
    // Models carry milliseconds where reports do not.
    createdDate: new Date(random.instant("2019-01-01T00:00:00Z", "2024-06-01T00:00:00Z")).toISOString(),
    contentProviderType: random.pick(providers),
    targetStorageMode: random.chance(0.8) ? "Abf" : "PremiumFiles",
    isEffectiveIdentityRequired: random.chance(0.1),
    isEffectiveIdentityRolesRequired: random.chance(0.1),
  };
  if (random.chance(0.3)) dataset.description = "Curated model.\nOwner: BI team";
  setIf(dataset, "endorsementDetails", endorsement(seed, random));
  setIf(dataset, "sensitivityLabel", sensitivityLabel(seed, random));
  if (options.datasetSchema) {
    if (neverRefreshed(index, k)) dataset.schemaRetrievalError = SCHEMA_RETRIEVAL_ERROR;
    else {
      const schema = new SeededRandom(seed, "scan-schema", index, k);
      dataset.tables = tables(schema, options.datasetExpressions);
      if (schema.chance(0.1)) dataset.schemaMayNotBeUpToDate = true;
      setIf(dataset, "roles", schema.chance(0.2) ? [role(seed, schema)] : undefined);
    }
  }
  const lineage = datasetLineage(context, k);
  if (options.datasetExpressions) {
    dataset.expressions = [
      {
        name: "Source",
        expression: `let\n    Source = Sql.Database("contoso-${index % 89}.database.windows.net", "Sales_${index}_0")\nin\n    Source`,
      },
      {
        name: "RangeStart",
        expression: '#datetime(2024, 1, 1, 0, 0, 0) meta [IsParameterQuery=true, Type="DateTime"]',
        description: "Incremental refresh window",
      },
    ];
  }
  if (options.lineage) Object.assign(dataset, lineage);
  if (options.getArtifactUsers)
    dataset.users = artifactUsers(seed, "dataset", new SeededRandom(seed, "scan-users", id));
  return dataset;
}

type DatasetLineage = Pick<
  ScanDataset,
  "datasourceUsages" | "misconfiguredDatasourceUsages" | "upstreamDataflows" | "upstreamDatasets" | "upstreamDatamarts"
>;

/** Lineage members of dataset `k`; computed (and its data sources recorded) whether or not lineage is asked for. */
function datasetLineage(context: BuildContext, k: number): DatasetLineage {
  const { seed, index, plan, workspaceId } = context;
  const random = new SeededRandom(seed, "scan-dataset-lineage", index, k);
  const lineage: DatasetLineage = {};
  const usages: DatasourceUsage[] = [];
  if (usesHub(index, k)) usages.push(useHub(context));
  const locals = random.int(0, 2);
  const first = random.int(0, LOCAL_DATASOURCES - 1);
  for (let n = 0; n < locals; n += 1) usages.push(useLocal(context, (first + n) % LOCAL_DATASOURCES));
  setIf(lineage, "datasourceUsages", usages);
  if (hasMisconfiguredSource(index, k)) {
    const instance = misconfiguredDatasource(seed, index, k);
    context.misconfigured.set(instance.datasourceId, instance);
    lineage.misconfiguredDatasourceUsages = [{ datasourceInstanceId: instance.datasourceId }];
  }
  // The chain dataflow -> dataflow -> dataset: the first model reads the workspace's last dataflow.
  if (plan.dataflows > 0 && k === 0) {
    lineage.upstreamDataflows = [
      { targetDataflowId: scanDataflowId(seed, index, plan.dataflows - 1), groupId: workspaceId },
    ];
  } else if (plan.dataflows === 0 && random.chance(0.1)) {
    const other = earlierWorkspaceWith(seed, index, `dataset-dataflow-${k}`, (p) => p.dataflows);
    if (other !== undefined) {
      lineage.upstreamDataflows = [
        {
          targetDataflowId: scanDataflowId(seed, other.index, other.k),
          groupId: workspaceSummary(seed, other.index).id,
        },
      ];
    }
  }
  if (plan.datamarts > 0 && k === plan.datasets - 1) {
    lineage.upstreamDatamarts = [{ targetDatamartId: scanDatamartId(seed, index, 0), groupId: workspaceId }];
  }
  // A composite model reads another workspace's model (DirectQuery to a semantic model).
  if (random.chance(0.03) || (index === 6 && k === 2)) {
    const other = earlierWorkspaceWith(seed, index, `dataset-dataset-${k}`, (p) => p.datasets);
    if (other !== undefined) {
      lineage.upstreamDatasets = [
        { targetDatasetId: scanDatasetId(seed, other.index, other.k), groupId: workspaceSummary(seed, other.index).id },
      ];
    }
  }
  return lineage;
}

function tables(random: SeededRandom, withExpressions: boolean): ScanTable[] {
  const count = random.int(1, 4);
  const start = random.int(0, tableNames.length - 1);
  return Array.from({ length: count }, (_, t) => {
    const name = tableNames[(start + t) % tableNames.length] ?? "Table";
    const table: ScanTable = {
      name,
      isHidden: random.chance(0.1),
      columns: Array.from({ length: random.int(2, 6) }, (_, c) => ({
        name: c === 0 ? `${name}Key` : `Column ${c}`,
        dataType: c === 0 ? "Int64" : random.pick(dataTypes),
        isHidden: c === 0,
        columnType: random.chance(0.1) ? "Calculated" : "Data",
      })),
      measures: Array.from({ length: random.int(0, 3) }, (_, m) => ({
        name: `Total ${name} ${m}`,
        isHidden: false,
        ...(withExpressions && { expression: `SUM('${name}'[Column 1]) * ${m + 1}` }),
      })),
    };
    if (withExpressions)
      table.source = [{ expression: `let\n    Source = Source{[Item="${name}"]}[Data]\nin\n    Source` }];
    return table;
  });
}

function role(seed: number, random: SeededRandom): ScanRole {
  const person = somePerson(seed, random);
  return {
    name: "Regional managers",
    modelPermission: "Read",
    members: [
      { memberName: person.mail, memberId: person.id, memberType: "User", identityProvider: "AzureAD" },
      {
        memberName: "SG-Regional-Managers",
        memberId: seededGuid(seed, "group", random.int(0, 49)),
        memberType: "Group",
        identityProvider: "AzureAD",
      },
    ],
    tablePermissions: [{ name: "Regions", filterExpression: "[Manager] = USERPRINCIPALNAME()" }],
  };
}
