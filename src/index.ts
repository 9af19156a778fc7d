import { app } from "@azure/functions";
import { loadConfig } from "./config/config";
import { functionDefinitions } from "./functions/definitions";

// Exports stream whole snapshots; without this the worker buffers every response body in memory.
app.setup({ enableHttpStream: true });

for (const definition of functionDefinitions(loadConfig())) {
  if (definition.trigger === "http") {
    const { name, route, methods, authLevel, handler } = definition;
    app.http(name, { route, methods, authLevel, handler });
  } else {
    app.timer(definition.name, { schedule: definition.schedule, handler: definition.handler });
  }
}
