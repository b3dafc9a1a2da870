/**
 * When a browser test fails, print what its server process said (its last 200 lines but the request log) and what
 * each open page's editor status says: a connection the server closed, a refused update or a failed commit then
 * shows beside the failed expectation.
 */
import { beforeEach } from "vitest";
import type { Browser } from "playwright-core";
import type { ServerProcess } from "./server-process";

export function printServerLogOnFailure(server: () => ServerProcess | undefined, browser: () => Browser | undefined): void {
  beforeEach(({ onTestFailed }) => {
    onTestFailed(async () => {
      const lines = server()?.log().split("\n").filter((line) => !/"msg":"(GET|HEAD) /.test(line)) ?? [];
      const pages = (browser()?.contexts() ?? []).flatMap((context) => context.pages());
      const states = await Promise.all(
        pages.map((page) =>
          page
            .evaluate(() => {
              const text = (selector: string) => document.querySelector(selector)?.textContent?.trim() ?? "-";
              return `${location.pathname}: status "${text("[data-testid=save-status]")}", alert "${text(".collab-editor__closed")}"`;
            })
            .catch((error: Error) => `(page not readable: ${error.message})`),
        ),
      );
      console.log(`When the test failed, the pages said:\n${states.join("\n")}\nand the server's log:\n${lines.join("\n")}`);
    });
  });
}
