/**
 * The final failure of an HTTP request after its retries: the endpoint, the last
 * HTTP status (null when no response arrived) and how many attempts were made.
 */
export class HttpRequestError extends Error {
  /** Method and URL, for example `POST http://127.0.0.1:8080/v1/querybatch`. */
  readonly endpoint: string;
  /** Status of the last response, or null after a network error or timeout. */
  readonly status: number | null;
  readonly attempts: number;

  constructor(
    message: string,
    details: { endpoint: string; status: number | null; attempts: number },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "HttpRequestError";
    this.endpoint = details.endpoint;
    this.status = details.status;
    this.attempts = details.attempts;
  }
}

export function isHttpRequestError(error: unknown): error is HttpRequestError {
  return error instanceof HttpRequestError;
}
