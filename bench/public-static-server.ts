/**
 * The ceiling for bench:public: `node --import tsx bench/public-static-server.ts <body-file> <content-type>` serves
 * that exact body (with that Content-Type) for every GET on 127.0.0.1, on a free port. Prints
 * "static listening on <port>"; exits when its stdin closes (its parent is gone).
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const [file, contentType] = process.argv.slice(2);
if (!file || !contentType) {
  process.stderr.write("usage: public-static-server.ts <body-file> <content-type>\n");
  process.exit(2);
}
const body = readFileSync(file);
const length = String(body.byteLength);

const server = createServer((req, res) => {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { Allow: "GET, HEAD" }).end();
    return;
  }
  res.writeHead(200, { "Content-Type": contentType, "Content-Length": length, "Cache-Control": "no-store" });
  res.end(req.method === "HEAD" ? undefined : body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`static listening on ${(server.address() as AddressInfo).port}\n`);
});
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
process.stdin.on("close", () => process.exit(0));
