/** npm test needs Debian's Chromium for the browser tests: fail in one line when it is missing. */
import { existsSync } from "node:fs";

export function chromiumPath(): string | null {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium"].filter((p): p is string => Boolean(p));
  return candidates.find((p) => existsSync(p)) ?? null;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (!chromiumPath()) {
    process.stderr.write("Chromium not found: install it with `apt-get install -y chromium` (or set CHROMIUM_PATH to a Chromium binary).\n");
    process.exit(1);
  }
}
