/**
 * Cross-site request refusal (CSRF): a state-changing request must come from our own origin.
 * `Origin` is compared with our origin (the public URL, or the request's own host); without `Origin`,
 * `Sec-Fetch-Site` must say same-origin. Requests authenticated only by a bearer token carry no ambient
 * credential and are exempt. Also used for websocket upgrades, where Origin is always required.
 * Both doors (server/http-app.ts and server/collab/collab-server.ts) compute "our origins" with `ownOrigin(req)`:
 * the same inputs, so an Origin one accepts the other accepts too.
 */
import type { IncomingMessage } from "node:http";

export interface OriginCheckInput {
  method: string;
  origin: string | undefined | null;
  secFetchSite: string | undefined | null;
  host: string | undefined | null;
  protocol: "http" | "https";
  publicUrl: string;
  hasBearer: boolean;
}

/**
 * Where this request was sent, as the browser saw it: the Host header, and the scheme of the connection (or, behind a
 * trusted proxy, its X-Forwarded-Proto), plus our public URL.
 */
export function ownOrigin(
  req: Pick<IncomingMessage, "headers" | "socket">,
  config: { publicUrl: string; ACCORD_TRUST_PROXY: boolean },
): Pick<OriginCheckInput, "host" | "protocol" | "publicUrl"> {
  const forwarded = config.ACCORD_TRUST_PROXY ? String(req.headers["x-forwarded-proto"] ?? "").split(",")[0]!.trim().toLowerCase() : "";
  const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
  const protocol = forwarded === "https" || forwarded === "http" ? forwarded : encrypted ? "https" : "http";
  return { host: req.headers.host, protocol, publicUrl: config.publicUrl };
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
