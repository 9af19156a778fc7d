import { z } from "zod";
import { appVersion } from "../common/version";
import { json } from "./httpHandler";
import { openApiDocument, type DocumentedRoute } from "./openApi";
import { plainOperation, type PlainOperation } from "./operation";

/** The version of the HTTP contract the document describes: the app's own. */
export const API_VERSION = appVersion();

/** GET /openapi.json, describing the routes `routes()` returns (read on each request: the list includes itself). */
export function openApiOperation(routes: () => readonly DocumentedRoute[]): PlainOperation {
  return plainOperation(
    {
      summary: "This API's OpenAPI 3.1 document",
      tags: ["meta"],
      path: z.object({}),
      query: z.object({}),
      responses: [{ status: 200, description: "the document", media: { "application/json": "OpenAPI 3.1" } }],
    },
    () =>
      Promise.resolve(json(openApiDocument(routes(), API_VERSION), 200, { "Cache-Control": "public, max-age=300" })),
  );
}
