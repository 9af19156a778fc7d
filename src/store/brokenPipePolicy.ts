import { isRestError, type PipelinePolicy } from "@azure/core-rest-pipeline";

/** Tries after the first, for a request that could not be written. */
const RETRIES = 2;

/**
 * Sends a table request again when writing it failed with a broken pipe: the connection was one the server had
 * already closed (an idle keep-alive socket, after a run waited on something else), so the service never saw the
 * request and sending it again is safe whatever it does. The storage SDK's own retries cover resets and timeouts,
 * not this.
 */
export function brokenPipePolicy(): PipelinePolicy {
  return {
    name: "inventoryBrokenPipePolicy",
    async sendRequest(request, next) {
      for (let attempt = 0; ; attempt++) {
        try {
          return await next(request);
        } catch (error) {
          if (attempt >= RETRIES || !isRestError(error) || error.code !== "EPIPE") throw error;
        }
      }
    },
  };
}
