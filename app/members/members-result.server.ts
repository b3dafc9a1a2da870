/** The members page's action answer, filled in with defaults (app/members/action-result.ts). */
import { data } from "@remix-run/node";
import type { MembersActionResult } from "./action-result";

export const membersResult = (r: Partial<MembersActionResult>, init: number | ResponseInit = 200) =>
  data<MembersActionResult>(
    { error: null, fieldErrors: {}, notice: null, invitation: null, intent: null, values: {}, at: Date.now(), ...r },
    typeof init === "number" ? { status: init } : init,
  );
