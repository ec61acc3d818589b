// The one error type: everything that ends as an error response is an ApiError by the time it is written. It is
// raised with a code the spec documents (generated/error-catalogue.ts), which gives its status and message: a code
// the spec does not document does not compile, and no message is written here or at a throw site.
import { errorCatalogue, type ErrorCode, type ErrorValues } from "../../generated/error-catalogue.ts";
import { boundedDetails, type ErrorDetail } from "./detail-text.ts";

export type { ErrorCode };

export type { ErrorDetail };

interface ErrorExtras {
  details?: ErrorDetail[];
  /** Response headers that belong to this error (WWW-Authenticate, Allow, Retry-After, RateLimit...). */
  headers?: Record<string, string>;
}

/** What raising `code` takes: the named values of its message (required when it has any), details and headers. */
export type ApiErrorOptions<C extends ErrorCode> = ErrorExtras &
  ({} extends ErrorValues<C> ? { values?: undefined } : { values: ErrorValues<C> });

type OptionsArgument<C extends ErrorCode> =
  {} extends ErrorValues<C> ? [options?: ApiErrorOptions<C>] : [options: ApiErrorOptions<C>];

/** The catalogue's message for a code with its `{name}`s filled in. */
function render(template: string, values: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{([A-Za-z]+)\}/g, (_, name: string) => String(values[name]));
}

export class ApiError<C extends ErrorCode = ErrorCode> extends Error {
  readonly status: number;
  readonly details: ErrorDetail[];
  readonly headers: Record<string, string>;

  constructor(
    readonly code: C,
    ...[options]: OptionsArgument<C>
  ) {
    const extras: ErrorExtras & { values?: Record<string, string | number> } = options ?? {};
    super(render(errorCatalogue[code].message, extras.values ?? {}));
    this.name = "ApiError";
    this.status = errorCatalogue[code].status;
    this.details = boundedDetails(extras.details ?? []);
    this.headers = extras.headers ?? {};
  }
}
