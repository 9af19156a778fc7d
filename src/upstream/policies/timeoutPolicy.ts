import { RestError, type PipelinePolicy } from "@azure/core-rest-pipeline";

export const timeoutPolicyName = "inventoryTimeoutPolicy";

/**
 * Gives every attempt a deadline that covers the whole exchange, body included: the transport's own `timeout` stops
 * counting once headers arrive, so a body that stalls would hold a run until the Functions host kills it. A missed
 * deadline becomes a status-less RestError, which the retry policy treats like a dropped connection.
 */
export function timeoutPolicy(timeoutMs: number): PipelinePolicy {
  return {
    name: timeoutPolicyName,
    async sendRequest(request, next) {
      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, timeoutMs);
      const callerSignal = request.abortSignal;
      const forward = () => controller.abort();
      callerSignal?.addEventListener("abort", forward);
      request.abortSignal = controller.signal;
      try {
        return await next(request);
      } catch (error) {
        // Only our own deadline is a timeout; a caller's cancellation stays what it was.
        if (timedOut) throw new RestError(`no complete answer within ${timeoutMs} ms`, { code: "REQUEST_TIMEOUT" });
        throw error;
      } finally {
        clearTimeout(timer);
        callerSignal?.removeEventListener("abort", forward);
        request.abortSignal = callerSignal;
      }
    },
  };
}
