/** What the server passes to every loader and action (see server/http-app.ts). */
import type { RequestAuth } from "./auth/request-auth.server";

export interface AccordLoadContext {
  /**
   * The client's address as per-IP limits count it: IPv4 as is, IPv6 as its /64 (app/auth/client-network.ts); proxy
   * headers honoured only with ACCORD_TRUST_PROXY. Never shown or logged.
   */
  clientIp: string | null;
  /** The request came from this machine (loopback socket, no proxy headers): app/deployment.server.ts. */
  fromThisMachine: boolean;
  /** Per-response nonce for inline scripts (Content-Security-Policy). */
  cspNonce: string;
  /**
   * The authenticated caller, resolved once per request (renews the session cookie when due). Throws the access
   * gate's refusal (app/auth/access-gate.server.ts): an unconfirmed account is sent to confirm its address, a token
   * used on a page is refused.
   */
  auth: () => Promise<RequestAuth | null>;
  /** The request carried `Authorization: Bearer …` (a refused token then gets words about tokens). */
  bearerPresented: boolean;
}

declare module "@remix-run/node" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends AccordLoadContext {}
}
