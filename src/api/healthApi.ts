import { z } from "zod";
import { json } from "./httpHandler";
import { plainOperation } from "./operation";
import { healthSchema } from "./schemas";

/** GET /health: the app is up; touches no storage, so it answers even when storage is down. */
export const healthOperation = plainOperation(
  {
    summary: "Liveness",
    tags: ["meta"],
    path: z.object({}),
    query: z.object({}),
    responses: [{ status: 200, description: "the app is up", schema: healthSchema }],
  },
  () => Promise.resolve(json({ status: "ok" } satisfies z.input<typeof healthSchema>)),
);
