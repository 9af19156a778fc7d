import { startAzurite } from "../../dev/local/azurite";

/** Starts one Azurite for the whole run; workers inherit its connection string through the environment. */
export default async function globalSetup(): Promise<void> {
  if (process.env.SIMULATOR_TLS_DIR === undefined) {
    throw new Error(
      "Run the tests with `npm test` (or `npm run jest`): they need the simulated tenant's certificate trusted",
    );
  }
  const azurite = await startAzurite();
  process.env.TEST_STORAGE_CONNECTION_STRING = azurite.connectionString;
  (globalThis as { azurite?: typeof azurite }).azurite = azurite;
}
