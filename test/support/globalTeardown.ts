import type { Azurite } from "../../src/local/azurite";

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { azurite?: Azurite }).azurite?.stop();
}
