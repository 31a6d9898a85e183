import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";

/**
 * Rejects every request whose `Authorization` header is not `Bearer <token>`
 * with 401. The presented and expected tokens are hashed with SHA-256 first,
 * so `timingSafeEqual` compares two equal-length digests and the time taken
 * reveals neither the token nor its length.
 */
export function bearerAuth(token: string): MiddlewareHandler {
  const expected = sha256(token);
  return async (c, next) => {
    const presented = bearerToken(c.req.header("authorization"));
    if (presented === null || !timingSafeEqual(sha256(presented), expected)) {
      c.header("WWW-Authenticate", 'Bearer realm="cortex"');
      return c.json(
        { error: "missing or invalid bearer token: send Authorization: Bearer <token>" },
        401,
      );
    }
    await next();
  };
}

/** Extracts the token of an `Authorization: Bearer <token>` header (RFC 6750 section 2.1). */
function bearerToken(header: string | undefined): string | null {
  if (header === undefined) return null;
  const match = /^Bearer +(\S+) *$/i.exec(header);
  return match?.[1] ?? null;
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}
