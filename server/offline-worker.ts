/**
 * GET /offline-worker.js: the service worker that reopens an editor's document page offline (app/collab/offline-worker.ts,
 * bundled here once per process with esbuild), preceded by this build's version and the files the document page
 * loads (server/build-assets.ts: lazy chunks and styles included). A new build changes these bytes, which is how the
 * browser learns of the new worker. Sent with `no-cache` (the browser checks it at each registration and update)
 * and the page's Content-Security-Policy, which the worker's own fetches obey (same origin only).
 */
import type { ServerBuild } from "@remix-run/node";
import { buildSync } from "esbuild";
import type { Request, Response } from "express";
import path from "node:path";
import { DOCUMENT_ROUTE, routeFiles } from "./build-assets";

/** The worker's text for this build: what the document page needs, then the worker itself. */
export function offlineWorkerSource(build: ServerBuild, root: string): string {
  const { scripts, others } = routeFiles(build.assets, DOCUMENT_ROUTE, path.join(root, "public"));
  const assets = [...new Set([build.assets.url, ...scripts.map((s) => s.path), ...others])];
  const bundled = buildSync({
    entryPoints: [path.join(root, "app/collab/offline-worker.ts")],
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2020",
    minify: true,
    write: false,
    logLevel: "silent",
  });
  return `const OFFLINE_BUILD = ${JSON.stringify({ version: build.assets.version, assets })};\n${bundled.outputFiles[0]!.text}`;
}

export function offlineWorker(build: ServerBuild, root: string): (req: Request, res: Response) => void {
  let source: string | undefined;
  return (_req, res) => {
    source ??= offlineWorkerSource(build, root);
    res.setHeader("Content-Type", "text/javascript; charset=utf-8");
    res.setHeader("Cache-Control", "no-cache");
    res.send(source);
  };
}
