/**
 * A second minification of the browser build, after `remix build`: `npm run build` runs it on public/build, and so
 * does `npm start` when it builds (server/build.ts). Remix's classic compiler minifies with esbuild and does not let
 * its settings be changed; oxc's minifier (`oxc-minify`, the one Vite 8 uses) takes a further ≈ 8.5 kB gzipped off the
 * editor route in about a second (issue 15; terser took ≈ 0.4 kB more in 25 s: docs/benchmarks.md, 6 Dec 2026).
 *
 * - Every file keeps its name: the manifest and the server build name them, and a name's hash, of esbuild's output,
 *   still stands for one content as long as the minifier's version and the options below stay the same.
 * - The manifest (`manifest-*.js`) is left as it is: server/build-assets.ts reads it as JSON.
 * - Licence notices stay where they are (`legalComments: "inline"`: `@license`, `@preserve` and `/*!` comments).
 * - A file's source map, when the build made one (`remix build --sourcemap`, bench/bundle-modules.ts), is carried
 *   through to the new code (composed with @jridgewell/remapping, loaded only then).
 *
 *   npm run build                      remix build, then this
 *   tsx server/minify-assets.ts [dir]  this alone, on <dir>/build (public/build by default)
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { minifySync, type MinifyOptions } from "oxc-minify";

/** The build's files are ES modules of the esbuild of `remix build`, which writes ES2020 and later syntax already. */
export const MINIFY_OPTIONS: MinifyOptions = {
  module: true,
  compress: { target: "es2020" },
  mangle: { toplevel: true },
  codegen: { removeWhitespace: true, legalComments: "inline" },
};

const MANIFEST = /^manifest-.*\.js$/;

export interface MinifiedAssets {
  files: number;
  bytesBefore: number;
  bytesAfter: number;
}

function scripts(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return scripts(path);
    return name.endsWith(".js") && !MANIFEST.test(name) ? [path] : [];
  });
}

/** Minifies one script of the build in place, and its source map if it has one. */
export async function minifyScript(path: string): Promise<{ before: number; after: number }> {
  const code = readFileSync(path, "utf8");
  const mapPath = `${path}.map`;
  const hasMap = existsSync(mapPath);
  const result = minifySync(basename(path), code, { ...MINIFY_OPTIONS, sourcemap: hasMap });
  if (result.errors.length > 0) throw new Error(`oxc-minify could not minify ${path}: ${result.errors.map((e) => e.message).join("; ")}`);
  let minified = result.code;
  if (hasMap && result.map) {
    // The new code maps to esbuild's output, which maps to the sources: compose the two.
    const { default: remapping } = await import("@jridgewell/remapping");
    const earlier = readFileSync(mapPath, "utf8");
    const composed = remapping(JSON.stringify(result.map), (_source, ctx) => (ctx.depth === 1 ? earlier : null));
    writeFileSync(mapPath, composed.toString());
    minified = `${minified.replace(/\n?\/\/# sourceMappingURL=.*\s*$/, "")}\n//# sourceMappingURL=${basename(mapPath)}`;
  }
  writeFileSync(path, minified);
  return { before: Buffer.byteLength(code), after: Buffer.byteLength(minified) };
}

/** Minifies every script of `<publicDir>/build` in place. */
export async function minifyAssets(publicDir: string): Promise<MinifiedAssets> {
  const buildDir = join(publicDir, "build");
  if (!existsSync(buildDir)) throw new Error(`No browser build in ${buildDir}: run remix build first`);
  const total: MinifiedAssets = { files: 0, bytesBefore: 0, bytesAfter: 0 };
  for (const path of scripts(buildDir)) {
    const { before, after } = await minifyScript(path);
    total.files += 1;
    total.bytesBefore += before;
    total.bytesAfter += after;
  }
  return total;
}

async function main(): Promise<void> {
  const publicDir = process.argv[2] ?? fileURLToPath(new URL("../public", import.meta.url));
  const started = Date.now();
  const { files, bytesBefore, bytesAfter } = await minifyAssets(publicDir);
  const kB = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
  console.log(`minified ${files} scripts of ${publicDir}/build: ${kB(bytesBefore)} → ${kB(bytesAfter)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
