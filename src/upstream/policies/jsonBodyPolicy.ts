import { RestError, type PipelinePolicy, type PipelineResponse } from "@azure/core-rest-pipeline";

export const jsonBodyPolicyName = "inventoryJsonBodyPolicy";

const parsedBodies = new WeakMap<PipelineResponse, unknown>();

/** The JSON body that jsonBodyPolicy parsed for a successful response. */
export function parsedJson(response: PipelineResponse): unknown {
  return parsedBodies.get(response);
}

/**
 * Parses a successful response's JSON body inside the retry loop. A body that is not JSON becomes a status-less
 * RestError, which the retry policy treats like a network fault: a truncated body is usually a dropped connection.
 */
export function jsonBodyPolicy(): PipelinePolicy {
  return {
    name: jsonBodyPolicyName,
    async sendRequest(request, next) {
      const response = await next(request);
      // A streamed body is jsonItemsPolicy's to read.
      if (response.status >= 200 && response.status < 300 && response.readableStreamBody === undefined) {
        try {
          parsedBodies.set(response, JSON.parse(response.bodyAsText ?? ""));
        } catch {
          throw new RestError(`the response body of ${new URL(request.url).pathname} is not valid JSON`, {
            code: "PARSE_ERROR",
          });
        }
      }
      return response;
    },
  };
}
