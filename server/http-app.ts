/**
 * The HTTP side of the process: security headers, static assets, the offline worker, /healthz, the body-size cap, the cross-origin guard,
 * and the Remix request handler with Accord's load context (in Remix's development mode, which sends error details,
 * only for requests from this machine outside production: app/deployment.server.ts).
 */
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express, { type NextFunction, type Request, type Response } from "express";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { crossOriginRefusal, ownOrigin } from "../app/auth/origin-check.server";
import { parseBearer } from "../app/auth/bearer";
import { clientNetwork } from "../app/auth/client-network";
import { getConfig } from "../app/config.server";
import { isFromThisMachine, showsErrorDetails } from "../app/deployment.server";
import { MAX_VERIFY_BYTES } from "../app/models/verification.server";
import { log } from "../app/utils/log.server";
import { getSql } from "../db/client";
import { BODY_REFUSED, bodyLimit, DEFAULT_MAX_BODY_BYTES } from "./body-limit";
import { endorsementPost } from "./endorsement-post";
import { mountDirectActions } from "./direct-actions";
import { offlineWorker } from "./offline-worker";
import { OFFLINE_WORKER_PATH } from "../app/collab/offline-pages";
import { publicCache } from "./public-cache";
import { requestLog } from "./request-log";
import { routePatterns } from "./route-patterns";
import { requestAuth } from "./request-caller";

export interface HttpAppOptions {
  build: ServerBuild;
  root: string;
  /** Override ACCORD_PUBLIC_CACHE_MS (tests turn the micro-cache off). */
  publicCacheMs?: number;
  /** The largest request body taken (default 64 kB). */
  maxBodyBytes?: number;
}

/** Where the request came from, decided once: from this machine, and the network per-IP limits count on. */
function whereFrom(req: Request, res: Response, next: NextFunction): void {
  res.locals.fromThisMachine = isFromThisMachine(req, getConfig());
  res.locals.clientNetwork = clientNetwork(req.ip);
  next();
}

/** Behind a proxy with ACCORD_TRUST_PROXY off, every client shares the proxy's address: say so once. */
function warnAboutUntrustedProxy(): (req: Request, res: Response, next: NextFunction) => void {
  let warned = getConfig().ACCORD_TRUST_PROXY;
  return (req, _res, next) => {
    if (!warned && req.get("x-forwarded-for") !== undefined) {
      warned = true;
      log.warn(
        "A request arrived with X-Forwarded-For while ACCORD_TRUST_PROXY is off: if Accord runs behind a reverse proxy, every client now shares the proxy's address for rate limits and sign-in throttling. Set ACCORD_TRUST_PROXY=1 behind exactly one proxy (and never without one).",
      );
    }
    next();
  };
}

function securityHeaders(req: Request, res: Response, next: NextFunction): void {
  const nonce = randomBytes(16).toString("base64");
  res.locals.cspNonce = nonce;
  const host = req.get("host") ?? "";
  const wsOrigin = `${req.protocol === "https" ? "wss" : "ws"}://${host}`;
  res.setHeader(
    "Content-Security-Policy",
    [
      "default-src 'self'",
      `script-src 'self' 'nonce-${nonce}'`,
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      `connect-src 'self' ${wsOrigin}`,
      "font-src 'self'",
      // The offline worker (server/offline-worker.ts), from this origin only.
      "worker-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join("; "),
  );
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "same-origin");
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
  res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()");
  if (getConfig().isHttps) res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  next();
}

function refuseCrossOrigin(req: Request, res: Response, next: NextFunction): void {
  const refusal = crossOriginRefusal({
    ...ownOrigin(req, getConfig()),
    method: req.method,
    origin: req.get("origin"),
    secFetchSite: req.get("sec-fetch-site"),
    hasBearer: parseBearer(req.get("authorization")) !== null,
  });
  if (!refusal) return next();
  log.warn(`refused ${req.method} ${req.path}: ${refusal}`);
  const wantsJson = req.path.startsWith("/api/") || (req.get("accept") ?? "").includes("application/json");
  res.status(403);
  if (wantsJson) res.json({ error: "This request came from another site and was refused." });
  else res.type("text/plain").send("This request came from another site and was refused (403).");
}

async function healthz(_req: Request, res: Response): Promise<void> {
  try {
    await Promise.race([
      getSql()`select 1`,
      new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), 2000)),
    ]);
    res.status(200).json({ status: "ok" });
  } catch {
    res.status(503).json({ status: "unavailable", error: "The database does not answer." });
  }
}

function loadContext(req: Request, res: Response) {
  return {
    clientIp: (res.locals.clientNetwork as string | null) ?? null,
    fromThisMachine: res.locals.fromThisMachine === true,
    cspNonce: String(res.locals.cspNonce ?? ""),
    auth: requestAuth(req, res, req.path.startsWith("/api/") ? "api" : "page"),
    bearerPresented: parseBearer(req.get("authorization")) !== null,
  };
}

export function createHttpApp(options: HttpAppOptions): express.Express {
  const config = getConfig();
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", config.ACCORD_TRUST_PROXY ? 1 : false);
  app.use(requestLog(routePatterns(options.build)));
  app.use(whereFrom);
  app.use(warnAboutUntrustedProxy());
  app.use(securityHeaders);
  app.use("/build", express.static(path.join(options.root, "public/build"), { immutable: true, maxAge: "1y", index: false }));
  app.use(express.static(path.join(options.root, "public"), { maxAge: "1h", index: false }));
  app.get(OFFLINE_WORKER_PATH, offlineWorker(options.build, options.root));
  app.get("/healthz", (req, res) => void healthz(req, res));
  // The verification page takes a text file of up to 1 MB (plus the form around it).
  app.use(bodyLimit(options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, { "/verify": MAX_VERIFY_BYTES + 64 * 1024 }));
  app.use(refuseCrossOrigin);
  app.post("/api/declarations/:slug/endorsements", endorsementPost);
  mountDirectActions(app, options.build, loadContext);
  app.use(publicCache(options.publicCacheMs ?? config.ACCORD_PUBLIC_CACHE_MS));
  const remix = createRequestHandler({ build: options.build, mode: "production", getLoadContext: loadContext });
  const remixWithDetails = config.isProduction ? remix : createRequestHandler({ build: options.build, mode: "development", getLoadContext: loadContext });
  app.all("*", (req, res, next) => (showsErrorDetails(config, res.locals.fromThisMachine === true) ? remixWithDetails : remix)(req, res, next));
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.locals[BODY_REFUSED]) return; // the reader of a refused body failed as intended; the 413 is sent
    // Express's own 4xx (a malformed %-escape in a path parameter, say) are the client's mistake, not ours.
    const status = (error as { status?: unknown } | null)?.status;
    if (typeof status === "number" && status >= 400 && status < 500) {
      const words = status === 400 ? "That address is malformed (400)." : `This request cannot be answered (${status}).`;
      if (!res.headersSent) res.status(status).type("text/plain").send(words);
      return;
    }
    log.error(`unhandled request error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`, { reqId: String(res.locals.requestId ?? ""), method: req.method });
    if (!res.headersSent) res.status(500).type("text/plain").send("Something went wrong on our side. Nothing you sent was lost; please try again.");
  });
  return app;
}
