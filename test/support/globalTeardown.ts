import type { Azurite } from "../../dev/local/azurite";

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { azurite?: Azurite }).azurite?.stop();
}
