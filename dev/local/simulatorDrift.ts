import type { FunctionDefinition, TimerFunction } from "../../src/functions/definitions";
import type { SimulatedTenant } from "../simulator/simulatedTenant";

/**
 * The definitions with each sync timer changing the simulated tenant a little before every run but its first, so a
 * local session's snapshots differ (SIMULATOR_CHANGES=off leaves the tenant as generated).
 */
export function withDrift(definitions: FunctionDefinition[], tenant: SimulatedTenant): FunctionDefinition[] {
  return definitions.map((definition) => {
    if (definition.trigger !== "timer" || !definition.name.startsWith("sync")) return definition;
    let runs = 0;
    const handler: TimerFunction["handler"] = async (timer, context) => {
      if (runs++ > 0) {
        const change = tenant.drift();
        context.log(
          `The simulated tenant changed: ${Object.keys(change.changeUsers ?? {}).length} users edited, ` +
            `${change.addUsers ?? 0} added, ${change.removeUsers?.length ?? 0} removed; ` +
            `${change.touchWorkspaces?.length ?? 0} workspace edited, ${change.addWorkspaces ?? 0} added`,
        );
      }
      await definition.handler(timer, context);
    };
    return { ...definition, handler };
  });
}
