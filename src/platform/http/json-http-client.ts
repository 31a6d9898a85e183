import pRetry, { AbortError } from "p-retry";
import type { Logger } from "../logger.ts";
import { HttpRequestError } from "./http-request-error.ts";
import { parseRetryAfter } from "./retry-after.ts";
import { sleep as realSleep, type Sleep } from "./sleep.ts";

/** How often and how long to retry a failed request. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** Delay before the first retry, in milliseconds; it doubles with each retry. */
  minDelayMs: number;
  /** Maximum delay between two attempts, in milliseconds. */
  maxDelayMs: number;
  /** Longest `Retry-After` wait honoured, in milliseconds; a longer one is cut to this. */
  maxRetryAfterMs: number;
  /** Multiplies each delay by a random factor between 1 and 2, so clients do not retry in step. */
  jitter: boolean;
}

/** 5 attempts over about 15 to 30 seconds, plus any `Retry-After` waits of up to a minute each. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 4,
  minDelayMs: 1000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
  jitter: true,
};

export interface JsonHttpClientOptions {
  /**
   * Web-standard fetch. Bun's own fetch (1.4) reads HTTP_PROXY, HTTPS_PROXY and NO_PROXY
   * from the environment by itself, so requests need no `proxy` option.
   * NOTE: tests cover HTTP_PROXY, http_proxy and NO_PROXY only; HTTPS_PROXY would need a TLS mock.
   */
  fetch: typeof fetch;
  /** Time limit of one attempt, in milliseconds, from sending the request to the end of the body. */
  timeoutMs: number;
  /** Largest response body read, in bytes (default `DEFAULT_MAX_BODY_BYTES`). */
  maxBodyBytes?: number;
  retry?: Partial<RetryPolicy>;
  /** Waits out `Retry-After`; tests pass one that returns at once. */
  sleep?: Sleep;
  /** Clock for `Retry-After` dates. */
  now?: () => Date;
  log?: Logger;
}

export interface JsonRequest {
  method: "GET" | "POST";
  url: string;
  /** Sent as the JSON body. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Name of the request in messages: `OSV querybatch`, `NVD lookup of CVE-2024-1234`. */
  label: string;
  /** Aborts the request and every retry, for example when a time budget runs out. */
  signal?: AbortSignal;
}

export interface JsonResponse {
  status: number;
  body: unknown;
  /** Attempts made, 1 when the first one succeeded. */
  attempts: number;
}

/** Sends JSON requests with a per-attempt timeout and retries with exponential backoff. */
export interface JsonHttpClient {
  /**
   * Sends the request and returns the parsed JSON body of a 2xx response.
   *
   * Retries network errors, timeouts, HTTP 408, 429 and 5xx, a body cut off mid-way
   * and a body that is not valid JSON, honouring `Retry-After`. Any other 4xx fails at once.
   *
   * @throws {HttpRequestError} naming the endpoint, the last status and the attempt count.
   */
  request(request: JsonRequest): Promise<JsonResponse>;
}

/** One failed attempt; `retryable` decides whether another one follows. */
class AttemptFailure extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly retryable: boolean,
    readonly retryAfterMs: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "AttemptFailure";
  }
}

/** Maximum number of characters of an error response body quoted in messages. */
const MAX_QUOTED_BODY = 200;

/**
 * Default `maxBodyBytes`: 64 MiB. OSV records, querybatch responses and NVD pages are far
 * smaller. Without a limit, a broken server or proxy that sends an endless body would be
 * read until memory runs out.
 */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;

/** A response body over the size limit: retrying would fetch the same body again. */
class BodyTooLargeError extends Error {}

export function createJsonHttpClient(options: JsonHttpClientOptions): JsonHttpClient {
  const policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? (() => new Date());

  return {
    async request(request) {
      const endpoint = `${request.method} ${request.url}`;
      let attempts = 0;

      const attempt = async (attemptNumber: number): Promise<JsonResponse> => {
        attempts = attemptNumber;
        const failure = await tryOnce(request, options, now);
        if ("body" in failure) return { ...failure, attempts: attemptNumber };
        throw failure.retryable ? failure : new AbortError(failure);
      };

      try {
        return await pRetry(attempt, {
          retries: policy.retries,
          factor: 2,
          minTimeout: policy.minDelayMs,
          maxTimeout: policy.maxDelayMs,
          randomize: policy.jitter,
          signal: request.signal,
          onFailedAttempt: async ({ error, attemptNumber, retriesLeft, retryDelay }) => {
            if (retriesLeft === 0) return;
            const retryAfterMs = error instanceof AttemptFailure ? error.retryAfterMs : null;
            const waitMs =
              retryAfterMs === null
                ? retryDelay
                : Math.max(retryDelay, Math.min(retryAfterMs, policy.maxRetryAfterMs));
            options.log?.warn(
              `${request.label} (${endpoint}): attempt ${attemptNumber} of ${policy.retries + 1} failed: ${error.message}; retrying in ${(waitMs / 1000).toFixed(1)} s`,
            );
            // p-retry waits `retryDelay` itself after this callback; wait out the rest of Retry-After here.
            if (waitMs > retryDelay) await sleep(waitMs - retryDelay, request.signal);
          },
        });
      } catch (error) {
        throw finalError(request, endpoint, attempts, error);
      }
    },
  };
}

async function tryOnce(
  request: JsonRequest,
  options: JsonHttpClientOptions,
  now: () => Date,
): Promise<{ status: number; body: unknown } | AttemptFailure> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = request.signal ? AbortSignal.any([timeout, request.signal]) : timeout;
  const headers: Record<string, string> = { accept: "application/json", ...request.headers };
  if (request.body !== undefined) headers["content-type"] = "application/json";

  let response: Response;
  try {
    response = await options.fetch(request.url, {
      method: request.method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal,
    });
  } catch (error) {
    return new AttemptFailure(
      describeFetchError(error, timeout, options.timeoutMs),
      null,
      true,
      null,
      {
        cause: error,
      },
    );
  }

  let text: string;
  try {
    text = await readBodyText(response, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      return new AttemptFailure(
        `HTTP ${response.status}, but ${error.message}`,
        response.status,
        false,
      );
    }
    const reason = timeout.aborted
      ? `timed out after ${options.timeoutMs} ms while reading the response body`
      : `the response body was cut off (${errorMessage(error)})`;
    return new AttemptFailure(
      `HTTP ${response.status}, but ${reason}`,
      response.status,
      true,
      null,
      {
        cause: error,
      },
    );
  }

  if (!response.ok) {
    const status = response.status;
    const retryable = status === 408 || status === 429 || status >= 500;
    const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), now());
    const quoted = text.trim().slice(0, MAX_QUOTED_BODY);
    const message = quoted === "" ? `HTTP ${status}` : `HTTP ${status}: ${quoted}`;
    return new AttemptFailure(message, status, retryable, retryAfterMs);
  }

  const truncation = findTruncation(response, text);
  if (truncation !== null) return new AttemptFailure(truncation, response.status, true);
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch (error) {
    return new AttemptFailure(
      `HTTP ${response.status}, but the body is not valid JSON (${text.length} characters: ${errorMessage(error)})`,
      response.status,
      true,
      null,
      { cause: error },
    );
  }
}

/**
 * Reads the body as UTF-8 text, as `Response.text()` does, but throws `BodyTooLargeError`
 * once it passes `maxBytes`, checking the declared Content-Length before reading.
 */
async function readBodyText(response: Response, maxBytes: number): Promise<string> {
  const tooLarge = () =>
    new BodyTooLargeError(
      `the response body is larger than ${maxBytes} bytes, far more than an OSV or NVD response; check the server configured as the API URL`,
    );
  const declared = Number(response.headers.get("content-length"));
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (response.body === null) return "";

  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.length;
    if (received > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  // TextDecoder drops a byte order mark, as Response.text() does.
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/**
 * Returns a message when the body is shorter than an uncompressed response's
 * Content-Length, so it was cut off in transit; else null.
 */
function findTruncation(response: Response, text: string): string | null {
  const declared = response.headers.get("content-length");
  if (declared === null || response.headers.get("content-encoding") !== null) return null;
  const received = Buffer.byteLength(text);
  if (received >= Number(declared)) return null;
  return `HTTP ${response.status}, but the body was cut off: ${received} of ${declared} bytes`;
}

function describeFetchError(error: unknown, timeout: AbortSignal, timeoutMs: number): string {
  if (timeout.aborted) return `no response within ${timeoutMs} ms`;
  return `network error: ${errorMessage(error)}`;
}

function finalError(
  request: JsonRequest,
  endpoint: string,
  attempts: number,
  error: unknown,
): HttpRequestError {
  const plural = attempts === 1 ? "attempt" : "attempts";
  if (request.signal?.aborted) {
    return new HttpRequestError(
      `${request.label} (${endpoint}) was cancelled after ${attempts} ${plural}: ${errorMessage(request.signal.reason)}`,
      { endpoint, status: error instanceof AttemptFailure ? error.status : null, attempts },
      { cause: error },
    );
  }
  if (!(error instanceof AttemptFailure)) {
    return new HttpRequestError(
      `${request.label} (${endpoint}) failed after ${attempts} ${plural}: ${errorMessage(error)}`,
      { endpoint, status: null, attempts },
      { cause: error },
    );
  }
  const hint = error.retryable
    ? "Check the network connection (and HTTPS_PROXY when a proxy is needed), then try again."
    : "The server rejected the request, so it was not retried.";
  return new HttpRequestError(
    `${request.label} (${endpoint}) failed after ${attempts} ${plural}: ${error.message}. ${hint}`,
    { endpoint, status: error.status, attempts },
    { cause: error },
  );
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
