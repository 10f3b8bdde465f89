/**
 * Strict parsing of the demo API's query string: hostile input becomes a 400 with a message,
 * never an exception. `URLSearchParams` would silently turn invalid UTF-8 into U+FFFD, so the
 * `q` and `limit` parameters are decoded by hand with `decodeURIComponent`, which throws.
 */
export const MAX_QUERY_LENGTH = 200;
export const MAX_LIMIT = 50;

export type Parsed = { ok: true; q: string; limit: number } | { ok: false; status: 400; error: string };

function decode(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw.replace(/\+/g, " "));
  } catch {
    return undefined;
  }
}

/** Parses `q` and `limit` from a raw query string (without the leading "?"). */
export function parseSearchQuery(rawQuery: string): Parsed {
  if (rawQuery.length > 8 * 1024) return { ok: false, status: 400, error: "query string too long (max 8 KB)" };
  const params = new Map<string, string>();
  for (const part of rawQuery.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const name = decode(eq < 0 ? part : part.slice(0, eq));
    const value = decode(eq < 0 ? "" : part.slice(eq + 1));
    if (name === undefined || value === undefined) return { ok: false, status: 400, error: "invalid percent-encoding or invalid UTF-8 in the query string" };
    if (!params.has(name)) params.set(name, value);
  }
  const q = params.get("q");
  if (q === undefined) return { ok: false, status: 400, error: "missing parameter q" };
  if (q.trim() === "") return { ok: false, status: 400, error: "q must not be empty" };
  if (q.length > MAX_QUERY_LENGTH) return { ok: false, status: 400, error: `q is too long (max ${MAX_QUERY_LENGTH} characters)` };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(q)) return { ok: false, status: 400, error: "q must not contain control characters" };
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(q)) return { ok: false, status: 400, error: "q is not well-formed Unicode" };
  const rawLimit = params.get("limit");
  let limit = 10;
  if (rawLimit !== undefined) {
    if (!/^\d{1,3}$/.test(rawLimit) || Number(rawLimit) < 1 || Number(rawLimit) > MAX_LIMIT) {
      return { ok: false, status: 400, error: `limit must be an integer from 1 to ${MAX_LIMIT}` };
    }
    limit = Number(rawLimit);
  }
  return { ok: true, q, limit };
}
