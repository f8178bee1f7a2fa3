// One error type for the whole product. Domain code throws it with a code and, when the problem is
// one input, the `field` it concerns (a path in the domain function's own input, e.g.
// `variants.1.model`). Only lib/api turns codes into HTTP statuses and fields into request paths
// (`body.variants.1.model`), so a job or the CLI reusing the same function reports its own terms.
export const ERROR_CODES = [
  "bad_request",
  "unauthorized",
  "forbidden",
  "not_found",
  "conflict",
  "payload_too_large",
  "unprocessable",
  "rate_limited",
  "unavailable",
  "internal",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export type AppErrorOptions = {
  /** the input the error concerns, as a dotted path in the caller's input */
  field?: string;
  /** when a retry makes sense (rate limits), in seconds */
  retryAfterSeconds?: number;
};

export class AppError extends Error {
  readonly field?: string;
  readonly retryAfterSeconds?: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    opts: AppErrorOptions = {},
  ) {
    super(message);
    this.name = "AppError";
    this.field = opts.field;
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }

  /** The message with its field in front, as a person reading a log or a CLI wants it. */
  describe(prefix?: string): string {
    if (!this.field) return this.message;
    return `${[prefix, this.field].filter(Boolean).join(".")}: ${this.message}`;
  }
}

export const notFound = (what: string) => new AppError("not_found", `${what} not found`);
