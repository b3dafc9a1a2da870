/**
 * A person's own data: the download (/account/data) and deleting the account (/account/delete).
 *
 * Deleting an account (in one transaction):
 * - every endorsement the person made is withdrawn (an earlier withdrawal keeps its date) and its personal fields
 *   are erased — name, role, affiliation, country, capacity, statement, organisation name, website, signer role,
 *   moderation reason, public fields; the receipt /e/<id> keeps the declaration, version number, hash, time,
 *   evidence level and a dated "withdrawn" line, and the endorsement leaves the public list and the counts;
 * - sessions, personal access tokens, e-mail links and memberships are deleted, and so are the mails Accord
 *   still keeps addressed to them (the outbox);
 * - named versions, document edits, comments and audit entries they made stay, without their name (author set to
 *   null); the earlier bodies of comments they wrote (kept when a comment is edited) are deleted, so a named version
 *   shows such a comment as it reads now, "edited later, earlier wording not kept";
 * - someone who published a version of a declaration is recorded in that sealed version, which can never change:
 *   their account row stays as an empty shell (no e-mail, no name, no password, no sessions) instead of vanishing.
 * Refused while the person is the only organiser of a workshop that has other members (they must hand over first).
 */
import { getSql } from "../../db/client";
import {
  anonymiseUser,
  deleteOutboxTo,
  deleteOwnCommentRevisions,
  deleteUser,
  hasPublished,
  listOwnComments,
  listOwnMemberships,
  listOwnPasskeys,
  listOwnProposals,
  listOwnSessions,
  listOwnTokens,
  listWorkshopsOnlyOrganisedBy,
  lockWorkshopsOrganisedBy,
  lockUser,
} from "../../db/account-data";
import { eraseUserEndorsements, listUserEndorsements } from "../../db/endorsements";
import { revokeAllInvitationsCreatedBy } from "../../db/invitations";
import { insertAudit } from "../../db/memberships";
import { findPasswordHashById, type UserRow } from "../../db/users";
import { verifyPassword } from "../auth/password.server";
import { releaseSignInAttempt, reserveSignInAttempt, signInAttempt } from "../auth/throttle.server";
import { threadEmailsOn } from "../threads/thread-mails.server";
import { receiptUrl } from "./endorsements.server";

/**
 * The data download: the account (with its discussion e-mail setting), its sessions (no ids or secrets), tokens and
 * passkeys (names and dates only, never key material), memberships, endorsements, and what the person wrote in the
 * discussion: their comments (with the bodies they had before each edit) and their amendment proposals.
 */
export async function buildAccountData(user: UserRow): Promise<Record<string, unknown>> {
  const [sessions, tokens, passkeys, memberships, endorsements, comments, proposals, threadEmails] = await Promise.all([
    listOwnSessions(user.id),
    listOwnTokens(user.id),
    listOwnPasskeys(user.id),
    listOwnMemberships(user.id),
    listUserEndorsements(user.id),
    listOwnComments(user.id),
    listOwnProposals(user.id),
    threadEmailsOn(user.id),
  ]);
  return {
    exportedAt: new Date().toISOString(),
    account: {
      id: user.id,
      email: user.email,
      name: user.name,
      emailVerifiedAt: user.emailVerifiedAt,
      isAdmin: user.isAdmin,
      createdAt: user.createdAt,
      // The interface language the account chose (null: it follows the browser).
      language: user.language,
      /** "E-mail me when I am mentioned or someone replies in my threads". */
      discussionEmails: threadEmails,
    },
    sessions,
    accessTokens: tokens,
    passkeys,
    memberships,
    comments,
    proposals,
    endorsements: endorsements.map((e) => ({
      id: e.id,
      receiptUrl: receiptUrl(e.id),
      declaration: { slug: e.slug, title: e.title, versionNumber: e.versionNumber, versionSha256: e.versionSha256 },
      kind: e.kind,
      name: e.displayName,
      role: e.roleTitle,
      affiliation: e.affiliation,
      country: e.country,
      capacity: e.capacity,
      statement: e.statement,
      publicFields: e.publicFields,
      organisationName: e.organisationName,
      organisationType: e.organisationType,
      website: e.website,
      signerRole: e.signerRole,
      evidence: e.evidence,
      moderation: e.moderation,
      moderationReason: e.moderationReason,
      reconfirms: e.reconfirms,
      createdAt: e.createdAt,
      withdrawnAt: e.withdrawnAt,
    })),
  };
}

export type DeleteResult =
  | { ok: true }
  | { ok: false; reason: "password" }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number }
  | { ok: false; reason: "sole_organiser"; workshops: { slug: string; title: string }[] };

/** `ip`: the network per-IP limits count on; `cookie`: the request's Cookie header (the device cookie). */
export async function deleteAccount(input: { user: UserRow; password: string; ip: string | null; cookie?: string | null }): Promise<DeleteResult> {
  // The password is checked under the sign-in throttle, the attempt counted before the check: a stolen session cannot
  // guess its way to a deletion, not even with many requests at once.
  const attempt = signInAttempt({ email: input.user.email, network: input.ip, cookie: input.cookie });
  const reserved = await reserveSignInAttempt(attempt);
  if (!reserved.allowed) return { ok: false, reason: "throttled", retryAfterSeconds: reserved.retryAfterSeconds };
  const hash = await findPasswordHashById(input.user.id);
  if (!hash || !(await verifyPassword(hash, input.password))) return { ok: false, reason: "password" };
  await releaseSignInAttempt(attempt);
  // Checked inside the deletion's transaction, with the workshops locked: two organisers deleting their accounts at
  // the same moment cannot both pass and leave a workshop without one.
  return getSql().begin(async (tx): Promise<DeleteResult> => {
    await lockWorkshopsOrganisedBy(input.user.id, tx);
    const stranded = await listWorkshopsOnlyOrganisedBy(input.user.id, tx);
    if (stranded.length > 0) return { ok: false, reason: "sole_organiser", workshops: stranded };
    const locked = await lockUser(input.user.id, tx);
    if (!locked) return { ok: true };
    await eraseUserEndorsements(input.user.id, tx);
    // The links they made stop working: nobody joins a workshop by the word of an account that no longer exists.
    for (const link of await revokeAllInvitationsCreatedBy(input.user.id, tx)) {
      await insertAudit({ workshopId: link.workshopId, actorId: null, action: "invitation.revoked", details: { invitationId: link.id, reason: "creator_deleted" } }, tx);
    }
    await deleteOutboxTo(locked.email, tx);
    await deleteOwnCommentRevisions(input.user.id, tx);
    if (await hasPublished(input.user.id, tx)) await anonymiseUser(input.user.id, tx);
    else await deleteUser(input.user.id, tx);
    return { ok: true };
  });
}
