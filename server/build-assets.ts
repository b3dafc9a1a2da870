/**
 * The files a page of the Remix build loads, read from the assets manifest (public/build/manifest-*.js, or the server
 * build's `assets`): the entry and its imports, the root route, the page's route module, and everything those import,
 * statically or by dynamic `import()`, followed through the chunks themselves so a lazily loaded chunk counts too;
 * and the other build files they name (styles). bench/bundle-size.ts weighs them; server/offline-worker.ts lists
 * them for the worker that keeps the document page offline.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** The document page's route: the editor. */
export const DOCUMENT_ROUTE = "routes/documents.$id";

export interface BuildManifest {
  entry: { module: string; imports: string[] };
  routes: Record<string, { module: string; imports?: string[] }>;
}

/** Reads the manifest the browser loads from `<publicDir>/build`. */
export function readManifest(publicDir: string): BuildManifest {
  const buildDir = join(publicDir, "build");
  const file = readdirSync(buildDir).find((name) => /^manifest-.*\.js$/.test(name));
  if (!file) throw new Error(`No Remix manifest in ${buildDir}: run npm run build first`);
  const source = readFileSync(join(buildDir, file), "utf8");
  return JSON.parse(source.replace(/^window\.__remixManifest=/, "").replace(/;\s*$/, "")) as BuildManifest;
}

// Quoted any way a minifier writes a string: oxc-minify writes a dynamic import's path as a template literal.
const IMPORTED = /(?:from|import)\s*\(?\s*(["'`])(\/build\/[^"'`]+\.js)\1/g;
const OTHER_FILE = /(["'`])(\/build\/[^"'`]+\.(?:css|woff2?|svg|png))\1/g;

export interface RouteFiles {
  /** Scripts, in the order found, each with its contents. */
  scripts: { path: string; body: Buffer }[];
  /** Other build files the scripts name (styles). */
  others: string[];
}

export function routeFiles(manifest: BuildManifest, routeId: string, publicDir: string): RouteFiles {
  const route = manifest.routes[routeId];
  if (!route) throw new Error(`No route ${routeId} in the manifest`);
  const root = manifest.routes.root!;
  const queue = [manifest.entry.module, ...manifest.entry.imports, root.module, ...(root.imports ?? []), route.module, ...(route.imports ?? [])];
  const seen = new Set<string>();
  const scripts: RouteFiles["scripts"] = [];
  const others = new Set<string>();
  while (queue.length > 0) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const body = readFileSync(join(publicDir, path));
    scripts.push({ path, body });
    const text = body.toString("utf8");
    for (const match of text.matchAll(IMPORTED)) queue.push(match[2]!);
    for (const match of text.matchAll(OTHER_FILE)) others.add(match[2]!);
  }
  return { scripts, others: [...others] };
}
