import { DefaultAzureCredential } from "@azure/identity";
import { TableClient, TableServiceClient } from "@azure/data-tables";
import { isLoopbackUrl, type StorageConfig } from "../config/config";
import { brokenPipePolicy } from "./brokenPipePolicy";

/** The tables behind every snapshot: manifests (and leases), and the rows themselves. */
export interface InventoryTables {
  readonly snapshots: TableClient;
  readonly rows: TableClient;
}

const TABLE_NAMES = { snapshots: "InventorySnapshots", rows: "InventoryRows" } as const;

/** The tables' names in the configured account, after its INVENTORY_TABLE_PREFIX. */
export function tableNamesOf(storage: StorageConfig): Record<keyof InventoryTables, string> {
  const prefix = storage.tablePrefix ?? "";
  return { snapshots: `${prefix}${TABLE_NAMES.snapshots}`, rows: `${prefix}${TABLE_NAMES.rows}` };
}

const ready = new Map<string, Promise<InventoryTables>>();

/** Table clients for the configured account, with the tables created once per process on first use. */
export function getInventoryTables(storage: StorageConfig): Promise<InventoryTables> {
  const key = JSON.stringify(storage);
  let tables = ready.get(key);
  if (tables === undefined) {
    tables = createTables(storage);
    tables.catch(() => ready.delete(key));
    ready.set(key, tables);
  }
  return tables;
}

async function createTables(storage: StorageConfig): Promise<InventoryTables> {
  const service = serviceClient(storage);
  const client = (name: string) => {
    const table =
      storage.connectionString !== undefined
        ? TableClient.fromConnectionString(storage.connectionString, name, clientOptions(storage))
        : new TableClient(`${storage.tableEndpoint}`, name, new DefaultAzureCredential(), clientOptions(storage));
    table.pipeline.addPolicy(brokenPipePolicy(), { phase: "Retry" });
    return table;
  };
  const names = tableNamesOf(storage);
  // createTable answers 409 when the table exists; the SDK treats that as success.
  try {
    await Promise.all(Object.values(names).map((name) => service.createTable(name)));
  } catch (error) {
    throw new StorageUnavailableError(storage, error);
  }
  return { snapshots: client(names.snapshots), rows: client(names.rows) };
}

/** The tables could not be reached or created; the message names the setting behind them. */
export class StorageUnavailableError extends Error {
  override readonly name = "StorageUnavailableError";
  constructor(storage: StorageConfig, cause: unknown) {
    const setting =
      storage.connectionString === undefined ? "INVENTORY_TABLE_ENDPOINT" : "INVENTORY_STORAGE / AzureWebJobsStorage";
    const development = /UseDevelopmentStorage=true/i.test(storage.connectionString ?? "");
    const hint = development ? "; that is the local emulator: run Azurite, or `npm start`, which starts one" : "";
    const reason = cause instanceof Error ? cause.message.split("\n")[0] : String(cause);
    super(`Cannot create the inventory tables (${setting})${hint}: ${reason}`, { cause });
  }
}

function serviceClient(storage: StorageConfig): TableServiceClient {
  return storage.connectionString !== undefined
    ? TableServiceClient.fromConnectionString(storage.connectionString, clientOptions(storage))
    : new TableServiceClient(`${storage.tableEndpoint}`, new DefaultAzureCredential(), clientOptions(storage));
}

/** Plain http is allowed only for loopback (Azurite). */
function clientOptions(storage: StorageConfig) {
  const endpoint = storage.tableEndpoint ?? endpointOf(storage.connectionString ?? "");
  return { allowInsecureConnection: endpoint !== undefined && endpoint.startsWith("http:") && isLoopbackUrl(endpoint) };
}

function endpointOf(connectionString: string): string | undefined {
  if (/UseDevelopmentStorage=true/i.test(connectionString)) return "http://127.0.0.1:10002";
  return /TableEndpoint=([^;]+)/i.exec(connectionString)?.[1];
}
