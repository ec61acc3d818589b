// What a failed call tells the model: the status and the error envelope's code, message and details, never a
// header, a token or a secret.
export class ApiFailure extends Error {
  constructor(
    readonly status: number | undefined,
    readonly code: string,
    message: string,
    readonly details: readonly unknown[] = [],
    readonly requestId?: string,
  ) {
    super(message);
  }

  /** From an answer that is not a success: the envelope when it is one, otherwise the status alone. */
  static fromAnswer(status: number, body: unknown): ApiFailure {
    const envelope = body as { error?: { code?: unknown; message?: unknown; details?: unknown }; requestId?: unknown };
    const error = envelope?.error;
    if (typeof error?.code === "string")
      return new ApiFailure(
        status,
        error.code,
        typeof error.message === "string" ? error.message : "",
        Array.isArray(error.details) ? error.details : [],
        typeof envelope.requestId === "string" ? envelope.requestId : undefined,
      );
    return new ApiFailure(status, "unexpected_answer", `HTTP ${status} without the error envelope.`);
  }

  get text(): string {
    const lines = [`${this.status ?? "no answer"} ${this.code}: ${this.message}`];
    if (this.details.length) lines.push(`details: ${JSON.stringify(this.details)}`);
    if (this.requestId) lines.push(`requestId: ${this.requestId}`);
    return lines.join("\n");
  }
}
