/**
 * Remix keeps only Set-Cookie from a loader's or action's `data(…, { headers })` unless the route exports
 * `headers`. Routes that answer with Retry-After (throttling) or Cache-Control (pages holding secrets) export
 * this function so those headers reach the browser, on document requests and single-fetch requests alike.
 */
import type { HeadersFunction } from "@remix-run/node";

const FORWARDED = ["Cache-Control", "Retry-After"] as const;

export const forwardHeaders: HeadersFunction = ({ actionHeaders, loaderHeaders, errorHeaders }) => {
  const out = new Headers();
  for (const name of FORWARDED) {
    const value = actionHeaders.get(name) ?? errorHeaders?.get(name) ?? loaderHeaders.get(name);
    if (value) out.set(name, value);
  }
  return out;
};

/** Pages that show a secret (a token, a link's token) or personal data: never stored by a cache. */
export const NO_STORE = { "Cache-Control": "no-store" } as const;
