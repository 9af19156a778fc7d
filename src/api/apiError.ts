/** An answer to bad input or a missing thing, in the shape every error response takes (PRODUCT.md). */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: 400 | 404 | 409,
    readonly code: string,
    message: string,
    /** Extra members of the error object a script can act on, e.g. the id of the run already going. */
    readonly details: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

export const badRequest = (code: string, message: string) => new ApiError(400, code, message);
export const notFound = (code: string, message: string) => new ApiError(404, code, message);
export const conflict = (code: string, message: string, details?: Record<string, string>) =>
  new ApiError(409, code, message, details);
