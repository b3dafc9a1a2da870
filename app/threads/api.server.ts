/**
 * The edge of the threads JSON API: reading and checking request bodies (zod), and turning the domain's refusals
 * (ThreadError) into answers. Errors are `{error, code?, fields?}`; bad input is 400. `error` is English, for API
 * clients; `code` (app/threads/refusals.ts) names the refusals people can meet in the discussion panel, which says
 * them in the page's language.
 */
import { z } from "zod";
import { apiError, apiJson } from "../utils/api.server";
import { parseWith } from "../utils/forms.server";
import { MAX_COMMENT_CHARS, MAX_PROPOSAL_CHARS, MAX_QUOTE_CHARS, MAX_REASON_CHARS, QUOTE_CONTEXT_CHARS } from "./contract";
import { ThreadError, type Anchoring } from "./threads.server";
import { REFUSALS, refusalCodeOf } from "./refusals";

export const badRequest = (error: string, fields?: Record<string, string>) => {
  const code = refusalCodeOf(error);
  return apiJson({ error, ...(code ? { code } : {}), ...(fields ? { fields } : {}) }, 400);
};

/** The request's JSON body, or a 400 answer. */
export async function readJsonBody(request: Request): Promise<{ ok: true; value: unknown } | { ok: false; response: Response }> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) return { ok: false, response: badRequest("Send the body as JSON (Content-Type: application/json).") };
  let text: string;
  try {
    text = await request.text();
  } catch {
    return { ok: false, response: badRequest("The request body could not be read.") };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, response: badRequest("The body is not valid JSON.") };
  }
}

// Control characters other than tab and newline are refused in bodies (they have no meaning in plain text).
const NO_CONTROLS = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/;

const commentText = z
  .string({ message: "Write the comment as text." })
  .transform((s) => s.trim())
  .pipe(
    z
      .string()
      .min(1, REFUSALS.commentEmpty)
      .max(MAX_COMMENT_CHARS, REFUSALS.commentTooLong)
      .regex(NO_CONTROLS, REFUSALS.commentControls),
  );

const quoteSelector = z.object(
  {
    exact: z.string().min(1, "Quote the words to comment on.").max(MAX_QUOTE_CHARS, REFUSALS.quoteTooLong),
    prefix: z.string().max(QUOTE_CONTEXT_CHARS * 8, "The prefix is too long.").optional(),
    suffix: z.string().max(QUOTE_CONTEXT_CHARS * 8, "The suffix is too long.").optional(),
  },
  { message: "quote must be {exact, prefix?, suffix?}." },
);

const encodedPosition = z.string().min(1).max(400).regex(/^[A-Za-z0-9+/=_-]+$/, "Not an encoded position.");
const encodedRange = z.object({ from: encodedPosition, to: encodedPosition }, { message: "range must be {from, to}." });

const anchoringFields = { quote: quoteSelector.optional(), range: encodedRange.optional() };

function anchoringOf(data: { quote?: z.infer<typeof quoteSelector>; range?: z.infer<typeof encodedRange> }): Anchoring {
  return data.quote ? { quote: data.quote } : { range: data.range! };
}

const oneAnchor = (d: { quote?: unknown; range?: unknown }) => (d.quote === undefined) !== (d.range === undefined);
const ONE_ANCHOR = { message: "Send either quote or range.", path: ["quote"] };

export const createThreadSchema = z
  .object({ body: commentText, ...anchoringFields }, { message: "Send a JSON object: {\"body\": \"…\", \"quote\": {\"exact\": \"…\"}}." })
  .refine(oneAnchor, ONE_ANCHOR)
  .transform((d) => ({ body: d.body, anchoring: anchoringOf(d) }));

const proposedText = z
  .string({ message: "proposed must be text (empty deletes the words)." })
  .max(MAX_PROPOSAL_CHARS, REFUSALS.proposalTooLong)
  .regex(/^[^\u0000-\u001f\u007f]*$/, REFUSALS.proposalOneParagraph);

export const createProposalSchema = z
  .object(
    { proposed: proposedText, body: commentText.optional(), ...anchoringFields },
    { message: "Send a JSON object: {\"quote\": {\"exact\": \"…\"}, \"proposed\": \"…\"}." },
  )
  .refine(oneAnchor, ONE_ANCHOR)
  .transform((d) => ({ proposed: d.proposed, body: d.body ?? null, anchoring: anchoringOf(d) }));

export const reattachSchema = z
  .object({ ...anchoringFields }, { message: "Send a JSON object: {\"quote\": {\"exact\": \"…\"}} or {\"range\": {…}}." })
  .refine(oneAnchor, ONE_ANCHOR)
  .transform((d) => ({ anchoring: anchoringOf(d) }));

export const commentSchema = z.object({ body: commentText }, { message: "Send a JSON object: {\"body\": \"…\"}." });

export const rejectSchema = z
  .object(
    {
      reason: z
        .string()
        .transform((s) => s.trim())
        .pipe(z.string().max(MAX_REASON_CHARS, REFUSALS.reasonTooLong).regex(NO_CONTROLS, REFUSALS.reasonControls))
        .optional(),
    },
    { message: "Send a JSON object: {\"reason\": \"…\"} (reason optional)." },
  )
  .transform((d) => ({ reason: d.reason ? d.reason : null }));

/** Parse a JSON body with `schema`: the data, or a 400 answer naming the fields. */
export async function parseBody<S extends z.ZodType>(request: Request, schema: S, emptyAllowed = false): Promise<{ ok: true; data: z.infer<S> } | { ok: false; response: Response }> {
  let value: unknown = {};
  const hasBody = (request.headers.get("content-length") ?? "") !== "0" && request.headers.has("content-type");
  if (!emptyAllowed || hasBody) {
    const body = await readJsonBody(request);
    if (!body.ok) return body;
    value = body.value;
  }
  const parsed = parseWith(schema, value);
  if (!parsed.ok) {
    const first = Object.values(parsed.fieldErrors)[0] ?? "Please check the request.";
    return { ok: false, response: badRequest(first, parsed.fieldErrors) };
  }
  return { ok: true, data: parsed.data };
}

/** A ThreadError as its answer; anything else is rethrown (withApiUser answers 500). */
export function threadErrorResponse(error: unknown): Response {
  if (error instanceof ThreadError) return apiJson(error.body, error.status);
  throw error;
}

export const postOnly = (what: string) => apiError(405, `Use POST to ${what}.`, { Allow: "POST" });
