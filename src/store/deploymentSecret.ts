import type { TableClient } from "@azure/data-tables";
import { randomBytes } from "node:crypto";

/** Where deployment-wide values live in the manifest table: a partition no tenant id can take (those are GUIDs). */
const PARTITION = "~deployment";

interface SecretEntity {
  partitionKey: string;
  rowKey: string;
  value: string;
}

/**
 * A random 256-bit secret made once per deployment (per storage account) and read by every instance after: the
 * first instance to ask creates it, and a create that loses the race (409) reads the winner's. It never leaves the
 * app: not logged, not served.
 */
export async function deploymentSecret(table: TableClient, name: string): Promise<Buffer> {
  const read = async () => {
    const entity = await table.getEntity<SecretEntity>(PARTITION, name);
    return Buffer.from(entity.value, "base64");
  };
  try {
    return await read();
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
  }
  const value = randomBytes(32);
  try {
    await table.createEntity<SecretEntity>({ partitionKey: PARTITION, rowKey: name, value: value.toString("base64") });
    return value;
  } catch (error) {
    if (statusOf(error) !== 409) throw error;
    return read();
  }
}

function statusOf(error: unknown): number | undefined {
  return (error as { statusCode?: number } | null)?.statusCode;
}
