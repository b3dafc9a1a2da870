/**
 * Cross-site request refusal (CSRF): a state-changing request must come from our own origin.
 * `Origin` is compared with our origin (the public URL, or the request's own host); without `Origin`,
 * `Sec-Fetch-Site` must say same-origin. Requests authenticated only by a bearer token carry no ambient
 * credential and are exempt. Also used for websocket upgrades, where Origin is always required.
 */
export interface OriginCheckInput {
  method: string;
  origin: string | undefined | null;
  secFetchSite: string | undefined | null;
  host: string | undefined | null;
  protocol: "http" | "https";
  publicUrl: string;
  hasBearer: boolean;
}

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

export function allowedOrigins(input: Pick<OriginCheckInput, "host" | "protocol" | "publicUrl">): Set<string> {
  const set = new Set<string>([new URL(input.publicUrl).origin]);
  if (input.host) set.add(`${input.protocol}://${input.host}`.toLowerCase());
  return set;
}

export function isSameOrigin(origin: string, input: Pick<OriginCheckInput, "host" | "protocol" | "publicUrl">): boolean {
  return allowedOrigins(input).has(origin.toLowerCase());
}

/** null when allowed, else the reason to refuse. */
export function crossOriginRefusal(input: OriginCheckInput): string | null {
  if (SAFE.has(input.method.toUpperCase())) return null;
  if (input.origin && input.origin !== "null") {
    return isSameOrigin(input.origin, input) ? null : "cross-origin request refused";
  }
  if (input.secFetchSite) {
    return input.secFetchSite === "same-origin" || input.secFetchSite === "none" ? null : "cross-site request refused";
  }
  if (input.hasBearer) return null;
  return "request without Origin refused";
}
