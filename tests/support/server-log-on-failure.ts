/**
 * When a browser test fails, print what its server process said (its last 200 lines but the request log) and what
 * each open page's editor status says: a connection the server closed, a refused update or a failed commit then
 * shows beside the failed expectation, with the editor's last blocks and selection (where typed words went).
 */
import { beforeEach } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { ServerProcess } from "./server-process";

/**
 * Keeps, in the page, a line per editor change (its steps, whether Yjs brought it, what plugins appended) that
 * the failure output prints: call after the editor is on the page.
 */
export async function recordEditorChanges(page: Page): Promise<void> {
  await page.locator(".document-editor").evaluate((element) => {
    type Step = { toJSON(): unknown };
    type Tr = { steps: Step[]; getMeta(key: string): unknown; selection: { from: number; to: number } };
    const editor = (element as HTMLElement & { editor?: { on(event: "transaction", f: (e: { transaction: Tr; appendedTransactions?: Tr[] }) => void): void } }).editor;
    const log: string[] = ((window as { editorLog?: string[] }).editorLog = []);
    const describe = (t: Tr) => {
      const sync = t.getMeta("y-sync$") as { isChangeOrigin?: boolean } | undefined;
      return `${sync ? (sync.isChangeOrigin ? "yjs " : "y-meta ") : ""}${JSON.stringify(t.steps.map((s) => s.toJSON())).slice(0, 300)} sel ${t.selection.from}-${t.selection.to}`;
    };
    editor?.on("transaction", ({ transaction, appendedTransactions }) => {
      log.push(`${(performance.now() / 1000).toFixed(3)} ${describe(transaction)}${(appendedTransactions ?? []).map((t) => ` + appended ${describe(t)}`).join("")}`);
    });
  });
}

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
              // The editor's last blocks and ProseMirror's own selection: where the typed words went.
              const element = document.querySelector(".document-editor") as (HTMLElement & { editor?: { state: { selection: { from: number; to: number }; doc: { content: { size: number } } } } }) | null;
              const state = element?.editor?.state;
              const blocks = Array.from(element?.children ?? []).slice(-3).map((block) => block.outerHTML.slice(0, 400));
              const selection = state ? `selection ${state.selection.from}-${state.selection.to} of ${state.doc.content.size}` : "no editor";
              const log = (window as { editorLog?: string[] }).editorLog ?? [];
              return `${location.pathname}: editor's last changes:\n  ${log.slice(-40).join("\n  ")}\nstatus "${text("[data-testid=save-status]")}", alert "${text(".collab-editor__closed")}", ${selection}, focus in editor ${element?.contains(document.activeElement) ?? false}, last blocks:\n  ${blocks.join("\n  ")}`;
            })
            .catch((error: Error) => `(page not readable: ${error.message})`),
        ),
      );
      console.log(`When the test failed, the pages said:\n${states.join("\n")}\nand the server's log:\n${lines.join("\n")}`);
    });
  });
}
