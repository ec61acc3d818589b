// The one error type: everything that ends as an error response is an ApiError by the time it is written.
export interface ErrorDetail {
  /** Where the problem is, such as "/body/matterRef". */
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    /** Response headers that belong to this error (WWW-Authenticate, Allow, Retry-After, RateLimit...). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}
