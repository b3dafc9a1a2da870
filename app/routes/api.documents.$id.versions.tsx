/**
 * /api/documents/:id/versions — named versions of a document.
 *
 *   GET  → 200 [{id, name, author, createdAt, logSeq}] (newest first; any member; a token needs the "read" scope)
 *   POST {name} → 201 {id, name} (editors and organisers; JSON body; a token needs the "write" scope)
 *
 * Session cookie from our Origin (cross-origin posts are refused before they get here) or a personal access token.
 * Errors are JSON `{error, fields?}`: 400 bad input, 401 not signed in, 403 the role cannot edit, 404 no such
 * document or not a member (the same answer: existence is never revealed). A body that is not JSON, or larger
 * than 16 KiB, is a 400 too.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { findDocumentForUser } from "../models/workshops.server";
import { listVersions, saveVersion, versionNameField, VersionError } from "../models/versions.server";
import { canEditDocuments } from "../models/roles";
import { apiError, apiJson, withApiUser } from "../utils/api.server";
import { parseWith } from "../utils/forms.server";

const MAX_BODY_BYTES = 16 * 1024;

const bodySchema = () => z.object({ name: versionNameField }, { message: "Send a JSON object: {\"name\": \"…\"}." });

const badRequest = (error: string, fields?: Record<string, string>) => apiJson(fields ? { error, fields } : { error }, 400);

const missing = () => apiError(404, "No document with that id, or you are not a member of its workshop.");

export async function loader({ context, params }: LoaderFunctionArgs) {
  return withApiUser(context, "read", async ({ user }) => {
    const document = await findDocumentForUser(params.id ?? "", user.id);
    if (!document) return missing();
    const versions = await listVersions(document, user.id);
    return apiJson(
      versions.map((v) => ({ id: v.id, name: v.name, author: v.authorName, createdAt: v.createdAt, logSeq: v.logSeq })),
    );
  });
}

async function readJson(request: Request): Promise<{ ok: true; value: unknown } | { ok: false; response: Response }> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    return { ok: false, response: badRequest("Send the body as JSON (Content-Type: application/json).") };
  }
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) return { ok: false, response: badRequest("The request body is too large.") };
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) return { ok: false, response: badRequest("The request body is too large.") };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, response: badRequest("The body is not valid JSON.") };
  }
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  if (request.method !== "POST") return apiError(405, "Use GET to list versions or POST to save one.", { Allow: "GET, HEAD, POST" });
  return withApiUser(context, "write", async ({ user }) => {
    const document = await findDocumentForUser(params.id ?? "", user.id);
    if (!document) return missing();
    if (!canEditDocuments(document.role)) {
      return apiError(403, "Only the editors and organisers of this workshop can save versions.");
    }
    const body = await readJson(request);
    if (!body.ok) return body.response;
    const parsed = parseWith(bodySchema(), body.value);
    if (!parsed.ok) {
      const first = parsed.fieldErrors.name ?? Object.values(parsed.fieldErrors)[0] ?? "Please check the request.";
      return badRequest(first, parsed.fieldErrors);
    }
    try {
      const version = await saveVersion({ document, userId: user.id, name: parsed.data.name });
      return apiJson({ id: version.id, name: version.name }, 201, { Location: `/documents/${document.id}/versions/${version.id}` });
    } catch (error) {
      if (error instanceof VersionError) return apiError(error.status, error.message);
      throw error;
    }
  });
}
