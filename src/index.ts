import { app } from "@azure/functions";
import { inventoryFor } from "./app/inventory";
import { functionDefinitions } from "./functions/definitions";
import { loadAppConfig } from "./kinds/registry";

// Exports stream whole snapshots; without this the worker buffers every response body in memory.
app.setup({ enableHttpStream: true });

const inventory = inventoryFor(loadAppConfig());
for (const definition of functionDefinitions(inventory)) {
  if (definition.trigger === "http") {
    const { name, route, methods, authLevel, handler } = definition;
    app.http(name, { route, methods, authLevel, handler });
  } else {
    app.timer(definition.name, { schedule: definition.schedule, handler: definition.handler });
  }
}
// When the host stops (scale-in, deployment), running syncs pause at their last checkpoint instead of dying midway.
app.hook.appTerminate(() => inventory.close());
