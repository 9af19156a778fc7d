import { randomUUID } from "node:crypto";
import { TableClient, TableServiceClient } from "@azure/data-tables";

/** Azurite over plain HTTP, as the test run starts it. */
export const TEST_TABLE_OPTIONS = { allowInsecureConnection: true };

/** A new, empty table of its own in the test run's Azurite, for a test that works below the product's tables. */
export async function freshTable(prefix: string): Promise<{ connection: string; name: string; table: TableClient }> {
  const connection = process.env.TEST_STORAGE_CONNECTION_STRING;
  if (connection === undefined) throw new Error("run the tests with `npm test`");
  const name = `${prefix}${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  await TableServiceClient.fromConnectionString(connection, TEST_TABLE_OPTIONS).createTable(name);
  return { connection, name, table: TableClient.fromConnectionString(connection, name, TEST_TABLE_OPTIONS) };
}
