/**
 * A micro-cache for anonymous reads of public declaration pages and their JSON: the first request renders, the next
 * ones within `ttlMs` (default 1 s, ACCORD_PUBLIC_CACHE_MS; 0 turns it off) get the same bytes. Under a burst of
 * public traffic this turns N renders a second into one, at the cost of counts up to one second old.
 *
 * Only GET/HEAD of public paths, without a cookie or Authorization header (signed-in pages differ per person), and
 * only 200 answers that set no cookie are kept. Headers built from the request itself are never kept: each hit keeps
 * the Content-Security-Policy its own request got (with a fresh nonce, which replaces the old one in the body; its
 * connect-src names the request's Host, so a forged Host cannot reach anyone else), and If-None-Match is answered
 * with 304 from the cached ETag (a miss renders, and answers, in full).
 */
import type { NextFunction, Request, Response } from "express";
import { DEFAULT_LOCALE, localeFromAcceptLanguage } from "../app/i18n/locales";
import { acceptedLanguages } from "../app/declarations/languages";

const PUBLIC_PATH = /^\/(declarations|d\/[a-z0-9-]{1,80}(\/badge\.svg|\/v\/\d{1,6}(\/pdf)?|\/changes\/\d{1,6})?|api\/declarations(\/[a-z0-9-]{1,80}(\/endorsements(\.csv)?|\/translations\/[A-Za-z0-9-]{1,35})?)?)$/;
const MAX_ENTRIES = 500;
const MAX_BODY = 2 * 1024 * 1024;
/** Per-request headers: set for each request before this middleware runs, never replayed from the cache. */
const NOT_KEPT = new Set(["content-length", "x-accord-cache", "content-security-policy", "set-cookie"]);

interface Entry {
  expires: number;
  status: number;
  headers: Record<string, string | string[]>;
  /** The body cut at each occurrence of the render's CSP nonce (one part when there is none). */
  parts: Buffer[];
  nonce: string | null;
}

export function publicCache(ttlMs: number) {
  const entries = new Map<string, Entry>();
  // Requests for a key that is being rendered wait for that render instead of starting their own.
  const inFlight = new Map<string, Promise<Entry | null>>();

  function serve(req: Request, res: Response, entry: Entry): void {
    const headers = entry.headers;
    const nonce = (res.locals.cspNonce as string | undefined) ?? entry.nonce ?? "";
    const glue = Buffer.from(nonce, "utf8");
    const body = entry.parts.length === 1 ? entry.parts[0]! : Buffer.concat(entry.parts.flatMap((p, i) => (i === 0 ? [p] : [glue, p])));
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    res.setHeader("X-Accord-Cache", "hit");
    const etag = headers["etag"];
    if (typeof etag === "string" && req.get("if-none-match")?.split(/\s*,\s*/).some((t) => t.replace(/^W\//, "") === etag.replace(/^W\//, ""))) {
      res.removeHeader("content-length");
      res.status(304).end();
      return;
    }
    res.setHeader("content-length", String(body.length));
    res.status(entry.status);
    if (req.method === "HEAD") res.end();
    else res.end(body);
  }

  return function publicCacheMiddleware(req: Request, res: Response, next: NextFunction): void {
    if (ttlMs <= 0 || (req.method !== "GET" && req.method !== "HEAD")) return next();
    if (req.get("cookie") || req.get("authorization") || !PUBLIC_PATH.test(req.path)) return next();
    const key = cacheKey(req);
    const now = Date.now();
    const hit = entries.get(key);
    if (hit && hit.expires > now) return serve(req, res, hit);
    if (hit) entries.delete(key);
    const rendering = inFlight.get(key);
    if (rendering) {
      void rendering.then((entry) => (entry ? serve(req, res, entry) : next()));
      return;
    }
    if (req.method === "HEAD") return next();
    let settle: (entry: Entry | null) => void = () => {};
    const mine = new Promise<Entry | null>((resolve) => (settle = resolve));
    inFlight.set(key, mine);
    const finish = (entry: Entry | null) => {
      if (inFlight.get(key) === mine) inFlight.delete(key);
      settle(entry);
    };
    res.once("close", () => finish(null));

    const chunks: Buffer[] = [];
    let size = 0;
    let keep = true;
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    const collect = (chunk: unknown, encoding?: unknown) => {
      if (!keep || chunk == null || typeof chunk === "function") return;
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8");
      size += buf.length;
      if (size > MAX_BODY) keep = false;
      else chunks.push(buf);
    };
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      collect(chunk, rest[0]);
      return write(chunk, ...rest);
    }) as Response["write"];
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      collect(chunk, rest[0]);
      if (keep && res.statusCode === 200 && !res.getHeader("set-cookie")) {
        const headers: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(res.getHeaders())) {
          if (v === undefined || NOT_KEPT.has(k)) continue;
          headers[k] = Array.isArray(v) ? v : String(v);
        }
        if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
        const nonce = (res.locals.cspNonce as string | undefined) || null;
        const entry: Entry = { expires: Date.now() + ttlMs, status: 200, headers, parts: splitAt(Buffer.concat(chunks), nonce), nonce };
        entries.set(key, entry);
        finish(entry);
      } else {
        finish(null);
      }
      return end(chunk, ...rest);
    }) as Response["end"];
    // The render fills the cache for everyone, so it must be a 200: a conditional request that misses is answered in
    // full once (HTTP allows a 200 to any If-None-Match), and the ones after it, within the TTL, get 304 from here.
    delete req.headers["if-none-match"];
    res.setHeader("X-Accord-Cache", "miss");
    next();
  };
}

/**
 * Every page is in the reader's interface language (Accept-Language, as nobody here sends a cookie:
 * app/i18n/locales.ts), so the key starts with it. A declaration's page without `lang` is also in the reader's
 * language (Accept-Language chooses among its translations): its key holds the reader's first four languages in order.
 */
function cacheKey(req: Request): string {
  const locale = localeFromAcceptLanguage(req.get("accept-language")) ?? DEFAULT_LOCALE;
  if (!/^\/d\/[a-z0-9-]{1,80}$/.test(req.path) || "lang" in req.query) return `${locale} ${req.originalUrl}`;
  const languages = acceptedLanguages(req.get("accept-language")).map((tag) => tag.toLowerCase()).slice(0, 4);
  return `${locale} ${req.originalUrl} ${languages.join(",")}`;
}

function splitAt(body: Buffer, marker: string | null): Buffer[] {
  if (!marker) return [body];
  const needle = Buffer.from(marker, "utf8");
  const parts: Buffer[] = [];
  let from = 0;
  for (let at = body.indexOf(needle, from); at !== -1; at = body.indexOf(needle, from)) {
    parts.push(body.subarray(from, at));
    from = at + needle.length;
  }
  parts.push(body.subarray(from));
  return parts;
}
