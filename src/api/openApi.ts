import { z } from "zod";
import type { OperationDoc, ResponseDoc } from "./operation";
import { errorSchema, responseSchemas, schemaDescriptions } from "./schemas";

/** Auth levels as Azure Functions names them. */
export type AuthLevel = "anonymous" | "function" | "admin";

/** A registered HTTP route as the document describes it. */
export interface DocumentedRoute {
  name: string;
  route: string;
  methods: readonly string[];
  authLevel: AuthLevel;
  doc: OperationDoc;
}

type Json = Record<string, unknown>;

const ERRORS: Readonly<Record<number, string>> = {
  400: "bad input: an unknown parameter, a bad value or a foreign continuation token (the message lists what is allowed)",
  404: "no such snapshot or item",
  409: "the snapshot has not succeeded, or a sync of the kind is already running",
  500: "an unexpected failure; the message names the invocation to look up in the logs",
};

/**
 * The OpenAPI 3.1 document of the registered routes, generated from the zod schemas that validate their path and
 * query and type their answers, so it cannot drift from what the code accepts.
 */
export function openApiDocument(routes: readonly DocumentedRoute[], version: string): Json {
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    const path = (paths[`/${route.route}`] ??= {});
    for (const method of route.methods) path[method.toLowerCase()] = operationObject(route);
  }
  const generated = z.toJSONSchema(responseSchemas, { uri: (id) => `#/components/schemas/${id}` });
  const schemas = Object.fromEntries(
    Object.entries(generated.schemas).map(([id, schema]) => [
      id,
      { ...omit(schema, ["$schema", "$id"]), description: schemaDescriptions.get(id) },
    ]),
  );
  return {
    openapi: "3.1.0",
    info: {
      title: "tenant-inventory",
      version,
      description: "Point-in-time snapshots of a Microsoft 365 / Power BI tenant, and what changed between them.",
      license: { name: "MIT", identifier: "MIT" },
    },
    servers: [{ url: "/api" }],
    paths,
    components: {
      schemas,
      securitySchemes: {
        functionKey: { type: "apiKey", in: "header", name: "x-functions-key" },
        functionKeyQuery: { type: "apiKey", in: "query", name: "code" },
      },
    },
  };
}

function operationObject(route: DocumentedRoute): Json {
  const { doc } = route;
  const parameters = [
    ...parametersOf(doc.path, "path"),
    ...parametersOf(doc.query, "query"),
    ...(doc.conditional === true
      ? [{ name: "If-None-Match", in: "header", required: false, schema: { type: "string" } }]
      : []),
  ];
  const responses: Record<string, Json> = {};
  for (const response of doc.responses) responses[String(response.status)] = responseObject(response, doc);
  if (doc.conditional === true) responses["304"] = { description: "not modified: the ETag still matches" };
  for (const status of [400, ...(doc.errors ?? []), 500]) {
    responses[String(status)] = {
      description: ERRORS[status],
      content: { "application/json": { schema: ref(errorSchema) } },
    };
  }
  return {
    operationId: route.name,
    summary: doc.summary,
    ...(doc.description === undefined ? {} : { description: doc.description }),
    tags: doc.tags,
    parameters,
    responses,
    security: route.authLevel === "anonymous" ? [] : [{ functionKey: [] }, { functionKeyQuery: [] }],
    "x-auth-level": route.authLevel,
  };
}

function parametersOf(schema: z.ZodObject, place: "path" | "query"): Json[] {
  return Object.entries(schema.shape).map(([name, field]) => {
    const type = field as z.ZodType;
    const json = z.toJSONSchema(type, { io: "input", unrepresentable: "any" });
    return {
      name,
      in: place,
      required: place === "path" || !type.safeParse(undefined).success,
      ...(json.description === undefined ? {} : { description: json.description }),
      schema: omit(json, ["$schema", "description"]),
    };
  });
}

function responseObject(response: ResponseDoc, doc: OperationDoc): Json {
  const content: Record<string, Json> = {};
  if (response.schema !== undefined) content["application/json"] = { schema: ref(response.schema) };
  for (const media of Object.keys(response.media ?? {})) {
    content[media] = { schema: { type: media === "application/json" ? "object" : "string" } };
  }
  const media = Object.entries(response.media ?? {}).map(([type, text]) => `${type}: ${text}`);
  const headers: Record<string, Json> = {};
  for (const [name, text] of Object.entries(response.headers ?? {})) {
    headers[name] = { description: text, schema: { type: "string" } };
  }
  if (doc.conditional === true) {
    headers.ETag = { description: "strong validator of this answer", schema: { type: "string" } };
    headers["Cache-Control"] = {
      description: "private; shorter for `latest`, which moves",
      schema: { type: "string" },
    };
  }
  return {
    description: [response.description, ...media].join("; "),
    ...(Object.keys(headers).length === 0 ? {} : { headers }),
    content,
  };
}

function ref(schema: z.ZodType): Json {
  const id = responseSchemas.get(schema)?.id;
  if (id === undefined) throw new Error("a documented response schema is not registered in responseSchemas");
  return { $ref: `#/components/schemas/${id}` };
}

/** A copy without the named members: JSON Schema keys that have no place inside an OpenAPI document. */
function omit(object: Json, names: readonly string[]): Json {
  return Object.fromEntries(Object.entries(object).filter(([name]) => !names.includes(name)));
}
