/**
 * What this deployment exposes, and to whom. Development conveniences are never reachable from another machine:
 * - the outbox page (/dev/outbox): outside production, for a request from this machine while no SMTP_URL is set, or
 *   for a signed-in administrator (session);
 * - Remix's error details (messages and stacks): outside production, for requests from this machine only;
 * - mail bodies (which carry reset and verification links) in the log: outside production, without SMTP_URL, and only
 *   while the server listens on a loopback address.
 * A request is "from this machine" when its socket's peer is a loopback address (never X-Forwarded-For), it carries no
 * proxy header (a proxy on this machine would make every visitor local), and its Host names this machine or the
 * public URL (a DNS-rebinding page on another name cannot pass). Cookies and HSTS follow the public URL's scheme.
 */
import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";
import type { Config } from "./config.server";
import type { RequestAuth } from "./auth/request-auth.server";

const PROXY_HEADERS = ["x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-real-ip", "forwarded", "via"];

/** 127.0.0.0/8, ::1, and IPv4-mapped 127.x (a socket's remoteAddress). */
export function isLoopbackAddress(address: string | null | undefined): boolean {
  if (!address) return false;
  const a = address.toLowerCase().replace(/^::ffff:/, "");
  if (isIP(a) === 4) return a.startsWith("127.");
  return a === "::1" || a === "0:0:0:0:0:0:0:1";
}

/** A host name or listening address that only this machine reaches: localhost, 127.x, ::1. */
export function isLoopbackName(name: string): boolean {
  const bare = name.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  return bare === "localhost" || bare.endsWith(".localhost") || isLoopbackAddress(bare);
}

function hostnameOf(hostHeader: string): string {
  const bracketed = /^\[([^\]]*)\](?::\d+)?$/.exec(hostHeader);
  if (bracketed) return bracketed[1]!;
  return hostHeader.replace(/:\d+$/, "");
}

/** Did this request come from this machine (see the module's doc)? */
export function isFromThisMachine(req: Pick<IncomingMessage, "headers" | "socket">, config: Pick<Config, "publicUrl">): boolean {
  if (!isLoopbackAddress(req.socket.remoteAddress)) return false;
  if (PROXY_HEADERS.some((h) => req.headers[h] !== undefined)) return false;
  const host = req.headers.host;
  if (!host) return false;
  const name = hostnameOf(host.trim().toLowerCase());
  return isLoopbackName(name) || name === new URL(config.publicUrl).hostname;
}

/** Remix answers with error details (stacks) only outside production and only to this machine. */
export function showsErrorDetails(config: Pick<Config, "isProduction">, fromThisMachine: boolean): boolean {
  return !config.isProduction && fromThisMachine;
}

/** Without a mail server the outbox is the delivery: its page is open to this machine, or to an administrator. */
export async function mayReadDevOutbox(
  config: Pick<Config, "isProduction" | "SMTP_URL">,
  fromThisMachine: boolean,
  auth: () => Promise<RequestAuth | null>,
): Promise<boolean> {
  if (config.isProduction) return false;
  if (outboxIsTheDelivery(config, fromThisMachine)) return true;
  const caller = await auth();
  return caller?.via === "session" && caller.user.isAdmin;
}

/** Whether the outbox page is where this visitor's mail waits (sign-up and reset pages say so). */
export function outboxIsTheDelivery(config: Pick<Config, "isProduction" | "SMTP_URL">, fromThisMachine: boolean): boolean {
  return !config.isProduction && !config.SMTP_URL && fromThisMachine;
}

/** Mail bodies carry secret links: printed only where nobody else can be reading this server. */
export function mayLogMailBodies(config: Pick<Config, "isProduction" | "SMTP_URL" | "HOST">): boolean {
  return !config.isProduction && !config.SMTP_URL && isLoopbackName(config.HOST);
}

/** The start-up paragraph: which mode Accord runs in and what that exposes to whom. */
export function describeDeployment(config: Config, listening: { host: string; port: number }): string {
  const mode = config.isProduction ? "production" : `development (NODE_ENV=${config.NODE_ENV})`;
  const local = isLoopbackName(listening.host);
  const where = local ? "this machine only" : "other machines too";
  const parts = [
    `Accord runs in ${mode} mode at ${config.publicUrl}, listening on ${listening.host}:${listening.port} (reachable from ${where}).`,
    config.isHttps
      ? "The public URL is https: the session cookie is Secure with the __Host- prefix, and HSTS is sent."
      : "The public URL is http: the session cookie is not Secure and no HSTS is sent; set ACCORD_PUBLIC_URL=https://… for a real deployment.",
  ];
  if (config.isProduction) {
    parts.push("Error details are never shown and /dev/outbox does not exist.");
  } else {
    parts.push("Error details (stacks) are shown to requests from this machine only.");
    parts.push(
      config.SMTP_URL
        ? "E-mail goes out through SMTP_URL; /dev/outbox is open to signed-in administrators only."
        : "Without SMTP_URL e-mail is only stored: the outbox is readable at /dev/outbox from this machine only (and by signed-in administrators).",
    );
  }
  parts.push(
    mayLogMailBodies(config)
      ? "Mail bodies, with their reset and verification links, are printed to this log (no SMTP, loopback only)."
      : "Mail bodies are not printed to the log.",
  );
  if (config.ACCORD_TRUST_PROXY) parts.push("Client addresses are taken from X-Forwarded-For (ACCORD_TRUST_PROXY=1).");
  return parts.join(" ");
}

/**
 * What a production deployment (NODE_ENV=production) must have set, in words; the server refuses to start while any
 * is missing (server/start.ts). Each keeps a promise: an https public URL (Secure cookies, HSTS, right links in mails),
 * a key secret of its own (a copy of the database alone cannot reveal which IPs were limited), and a mail server
 * (without one nobody can confirm an address or reset a password).
 */
export function productionProblems(config: Pick<Config, "isProduction" | "ACCORD_PUBLIC_URL" | "isHttps" | "ACCORD_KEY_SECRET" | "SMTP_URL"> & { ACCORD_ALLOW_UNSAFE_DURABILITY?: boolean }): string[] {
  if (!config.isProduction) return [];
  const problems: string[] = [];
  if (!config.ACCORD_PUBLIC_URL) problems.push("ACCORD_PUBLIC_URL: set it to the https address people use (links in e-mails and the cross-origin check depend on it).");
  else if (!config.isHttps) problems.push("ACCORD_PUBLIC_URL: it must be an https address in production (Secure cookies and HSTS follow it).");
  if (!config.ACCORD_KEY_SECRET) problems.push("ACCORD_KEY_SECRET: set a secret of 32+ characters, the same on every instance (rate-limit and throttle keys).");
  if (!config.SMTP_URL) problems.push("SMTP_URL: set your mail server (without it nobody can confirm an address or reset a password).");
  if (config.ACCORD_ALLOW_UNSAFE_DURABILITY) problems.push("ACCORD_ALLOW_UNSAFE_DURABILITY: unset it; it is for throwaway test databases, and lets edits shown as saved be lost.");
  return problems;
}
