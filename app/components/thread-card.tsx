/**
 * One thread in the discussion panel: its words (as they are now, as they were, or gone), its comments with replies,
 * and, for a proposal, the original struck through beside the proposed wording with only the changed words marked.
 * Every action is a button or a form: reply, edit or delete one's own comment, resolve or reopen, accept or reject
 * (with an optional reason). Accepting after the words changed shows original, current and proposed, and offers to
 * apply the proposal to the current text or to reject it.
 */
import { useId, useState, type FormEvent, type ReactNode } from "react";
import type { Translate } from "../i18n/instance";
import { outdatedProposal, threadErrorText, threadsApi } from "../threads/api";
import { useT } from "../i18n/react";
import { formatDateTimeIn, isoString, timeAgoIn } from "../i18n/format";
import { diffWords } from "../threads/word-diff";
import { canComment, canDecide, canDeleteComment, canDeleteThread, canEditComment, canResolve, proposalId } from "../threads/panel-model";
import type { OutdatedProposal, Thread, ThreadComment } from "../threads/types";
import type { Role } from "../models/roles";

export { MAX_COMMENT_CHARS as MAX_COMMENT } from "../threads/contract";
import { MAX_COMMENT_CHARS as MAX_COMMENT, MAX_REASON_CHARS } from "../threads/contract";
import { MentionField } from "./mention-field";

interface CardProps {
  thread: Thread;
  /** The thread's words as they are in the text now (undefined when no longer marked). */
  currentText: string | undefined;
  role: Role;
  focused: boolean;
  onShow: () => void;
  onChanged: () => void;
  /** Anchor this (orphaned) thread to the words selected in the text now (editors and organisers). */
  onReattach?: () => Promise<unknown>;
}

function When({ at }: { at: string }) {
  const { locale } = useT();
  const date = new Date(at);
  return (
    <time dateTime={isoString(at)} title={formatDateTimeIn(locale, date)}>
      {timeAgoIn(locale, date)}
    </time>
  );
}

/** `proposed` with the words it adds to `original` marked. */
export function ProposedWords({ original, proposed }: { original: string; proposed: string }) {
  const { t } = useT();
  if (proposed === "") return <em>{t("editor:proposal.deleteWords")}</em>;
  return (
    <>
      {diffWords(original, proposed).map((part, index) =>
        part.kind === "removed" ? null : part.kind === "added" ? <ins key={index}>{part.text}</ins> : <span key={index}>{part.text}</span>,
      )}
    </>
  );
}

function useAction(onChanged: () => void) {
  const { t, locale } = useT();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (work: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await work();
      onChanged();
      return true;
    } catch (caught) {
      setError(threadErrorText(t, locale, caught, t("editor:thread.failed")));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}

function Words({ thread, currentText }: { thread: Thread; currentText: string | undefined }) {
  const { t } = useT();
  // Read from the text itself, so the state follows every keystroke (the server's anchorState catches up after commit).
  if (currentText === undefined) {
    return (
      <div className="thread__words">
        <p className="thread__anchor badge badge--warn">{t("editor:thread.wordsGone")}</p>
        <blockquote className="thread__quote">{thread.quote.exact}</blockquote>
      </div>
    );
  }
  if (currentText !== thread.quote.exact) {
    return (
      <div className="thread__words">
        <p className="thread__anchor badge badge--info">{t("editor:thread.wordsEdited")}</p>
        <p className="thread__was">
          {`${t("editor:thread.now")} `}
          <q>{currentText}</q>
        </p>
        <p className="thread__was">
          {`${t("editor:thread.was")} `}
          <q>{thread.quote.exact}</q>
        </p>
      </div>
    );
  }
  return <blockquote className="thread__quote">{currentText}</blockquote>;
}

function CommentItem({ comment, role, onChanged }: { comment: ThreadComment; role: Role; onChanged: () => void }) {
  const { t } = useT();
  const [editing, setEditing] = useState(false);
  const { busy, error, run } = useAction(onChanged);
  const id = useId();
  const save = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const body = String(new FormData(event.currentTarget).get("body") ?? "").trim();
    if (!body) return;
    if (await run(() => threadsApi.editComment(comment.id, body))) setEditing(false);
  };
  return (
    <li className="comment">
      <p className="comment__meta">
        <strong>{comment.author.name}</strong> <When at={comment.createdAt} />
        {comment.editedAt ? <span className="comment__edited">{` ${t("editor:thread.edited")}`}</span> : null}
      </p>
      {editing ? (
        <form onSubmit={save} className="comment__form">
          <label htmlFor={`${id}-body`}>{t("editor:thread.editYourComment")}</label>
          <MentionField id={`${id}-body`} name="body" defaultValue={comment.body} maxLength={MAX_COMMENT} required rows={3} autoFocus />
          <div className="actions">
            <button type="submit" disabled={busy}>
              {t("editor:thread.save")}
            </button>
            <button type="button" className="secondary" onClick={() => setEditing(false)}>
              {t("editor:thread.cancel")}
            </button>
          </div>
        </form>
      ) : (
        <p className="comment__body">{comment.body}</p>
      )}
      {!editing ? (
        <div className="comment__actions">
          {canEditComment(comment) ? (
            <button type="button" className="link-button" onClick={() => setEditing(true)}>
              {t("editor:thread.edit")}
              <span className="visually-hidden">{` ${t("editor:thread.editWhat")}`}</span>
            </button>
          ) : null}
          {canDeleteComment(role, comment) ? (
            <button
              type="button"
              className="link-button"
              disabled={busy}
              onClick={() => {
                if (window.confirm(t("editor:thread.deleteCommentConfirm"))) void run(() => threadsApi.deleteComment(comment.id));
              }}
            >
              {t("editor:thread.delete")}
              <span className="visually-hidden">{` ${t("editor:thread.deleteWhat", { name: comment.author.name })}`}</span>
            </button>
          ) : null}
        </div>
      ) : null}
      {error ? (
        <p className="thread__error" role="alert">
          {error}
        </p>
      ) : null}
    </li>
  );
}

/**
 * Accepting answered "outdated": original, current and proposed side by side. The server accepts only when the words
 * are still the original ones, so applying the proposal to changed words is the editor's own edit in the text.
 */
function Outdated({ outdated, onReject, busy }: { outdated: OutdatedProposal; onReject: () => void; busy: boolean }) {
  const { t } = useT();
  return (
    <div className="proposal__outdated" role="alert">
      <p>
        <strong>{t("editor:proposal.outdated")}</strong>
      </p>
      <dl>
        <dt>{t("editor:proposal.original")}</dt>
        <dd>{outdated.original}</dd>
        <dt>{t("editor:proposal.current")}</dt>
        <dd>{outdated.current}</dd>
        <dt>{t("editor:proposal.proposedTerm")}</dt>
        <dd>
          <ProposedWords original={outdated.current} proposed={outdated.proposed} />
        </dd>
      </dl>
      <p>{t("editor:proposal.outdatedHelp")}</p>
      <div className="actions">
        <button type="button" className="secondary" disabled={busy} onClick={onReject}>
          {t("editor:proposal.reject")}
        </button>
      </div>
    </div>
  );
}

function Proposal({ thread, role, onChanged }: { thread: Thread; role: Role; onChanged: () => void }) {
  const { t, locale } = useT();
  const proposal = thread.proposal;
  const [rejecting, setRejecting] = useState(false);
  const [outdated, setOutdated] = useState<OutdatedProposal | null>(null);
  const { busy, error, setError, run } = useAction(onChanged);
  const id = useId();
  if (!proposal) return null;
  const pending = proposal.status === "pending";
  const accept = async () => {
    setOutdated(null);
    try {
      await threadsApi.accept(proposalId(thread));
      onChanged();
    } catch (caught) {
      const stale = outdatedProposal(caught);
      if (stale) setOutdated(stale);
      else setError(threadErrorText(t, locale, caught, t("editor:thread.failed")));
    }
  };
  const reject = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const reason = String(new FormData(event.currentTarget).get("reason") ?? "").trim();
    if (await run(() => threadsApi.reject(proposalId(thread), reason || undefined))) {
      setRejecting(false);
      setOutdated(null);
    }
  };
  return (
    <div className="proposal">
      <p className="proposal__line">
        <span className="proposal__label">{`${t("editor:proposal.original")}: `}</span>
        <del>{proposal.original}</del>
      </p>
      <p className="proposal__line">
        <span className="proposal__label">{`${t("editor:proposal.proposed")} `}</span>
        <span className="proposal__new">
          <ProposedWords original={proposal.original} proposed={proposal.proposed} />
        </span>
      </p>
      <p className="proposal__status">
        {proposal.decidedBy ? decidedBy(t, proposal.status, proposal.decidedBy.name) : decision(t, proposal.status)}
        {proposal.decidedAt ? (
          <>
            {", "}
            <When at={proposal.decidedAt} />
          </>
        ) : null}
        {proposal.reason ? `: ${proposal.reason}` : ""}
      </p>
      {pending && canDecide(role) ? (
        <>
          {outdated ? (
            <Outdated outdated={outdated} busy={busy} onReject={() => setRejecting(true)} />
          ) : null}
          {rejecting ? (
            <form className="proposal__reject" onSubmit={reject}>
              <label htmlFor={`${id}-reason`}>{t("editor:proposal.reason")}</label>
              <input id={`${id}-reason`} name="reason" type="text" maxLength={MAX_REASON_CHARS} autoFocus />
              <div className="actions">
                <button type="submit" disabled={busy}>
                  {t("editor:proposal.rejectSubmit")}
                </button>
                <button type="button" className="secondary" onClick={() => setRejecting(false)}>
                  {t("editor:thread.cancel")}
                </button>
              </div>
            </form>
          ) : outdated ? null : (
            <div className="actions">
              <button type="button" disabled={busy} onClick={() => void accept()}>
                {t("editor:proposal.accept")}
                <span className="visually-hidden">{` ${t("editor:proposal.acceptWhat")}`}</span>
              </button>
              <button type="button" className="secondary" onClick={() => setRejecting(true)}>
                {t("editor:proposal.reject")}
              </button>
            </div>
          )}
        </>
      ) : null}
      {error ? (
        <p className="thread__error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function decision(t: Translate, status: string): string {
  switch (status) {
    case "accepted":
      return t("editor:proposal.accepted");
    case "rejected":
      return t("editor:proposal.rejected");
    case "withdrawn":
      return t("editor:proposal.withdrawn");
    default:
      return t("editor:proposal.pending");
  }
}

function decidedBy(t: Translate, status: string, name: string): string {
  switch (status) {
    case "accepted":
      return t("editor:proposal.acceptedBy", { name });
    case "rejected":
      return t("editor:proposal.rejectedBy", { name });
    case "withdrawn":
      return t("editor:proposal.withdrawnBy", { name });
    default:
      return t("editor:proposal.pending");
  }
}

/** A "Reply" button that opens the form (a long discussion would otherwise put hundreds of text boxes in the tab order). */
function ReplyForm({ thread, onChanged }: { thread: Thread; onChanged: () => void }) {
  const { t } = useT();
  const { busy, error, run } = useAction(onChanged);
  const [open, setOpen] = useState(false);
  const id = useId();
  const send = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const body = String(new FormData(event.currentTarget).get("body") ?? "").trim();
    if (!body) return;
    if (await run(() => threadsApi.reply(thread.id, body))) setOpen(false);
  };
  if (!open) {
    return (
      <button type="button" className="secondary thread__reply-button" onClick={() => setOpen(true)}>
        {t("editor:thread.reply")}
        <span className="visually-hidden">{` ${t("editor:thread.replyTo", { name: thread.author.name })}`}</span>
      </button>
    );
  }
  return (
    <form className="thread__reply" onSubmit={send}>
      <label htmlFor={`${id}-reply`}>{t("editor:thread.yourReply")}</label>
      <MentionField id={`${id}-reply`} name="body" rows={2} maxLength={MAX_COMMENT} required autoFocus />
      <div className="actions">
        <button type="submit" disabled={busy}>
          {t("editor:thread.sendReply")}
        </button>
        <button type="button" className="secondary" onClick={() => setOpen(false)}>
          {t("editor:thread.cancel")}
        </button>
      </div>
      {error ? (
        <p className="thread__error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}

export function ThreadCard({ thread, currentText, role, focused, onShow, onChanged, onReattach }: CardProps): ReactNode {
  const { t } = useT();
  const { busy, error, run } = useAction(onChanged);
  const headingId = useId();
  const proposal = thread.kind === "proposal";
  const name = thread.author.name;
  // "the proposal by Ana" / "the comment by Ana", for the buttons' hidden words.
  const which = proposal ? t("editor:thread.theProposalBy", { name }) : t("editor:thread.theCommentBy", { name });
  const resolved = thread.status === "resolved";
  return (
    <article
      className={`thread${focused ? " is-focused" : ""}${resolved ? " thread--resolved" : ""}`}
      data-thread-id={thread.id}
      data-testid="thread"
      aria-labelledby={headingId}
      aria-current={focused ? "true" : undefined}
      tabIndex={-1}
    >
      <h3 className="thread__title" id={headingId}>
        {proposal ? t("editor:thread.proposalBy", { name }) : t("editor:thread.commentBy", { name })}
        {resolved ? <span className="badge badge--ok thread__status">{t("editor:thread.resolved")}</span> : null}
      </h3>
      <p className="thread__meta">
        <When at={thread.createdAt} />
        {currentText !== undefined && !resolved ? (
          <button type="button" className="link-button" onClick={onShow}>
            {t("editor:thread.show")}
          </button>
        ) : null}
      </p>
      <Words thread={thread} currentText={currentText} />
      {thread.kind === "proposal" ? <Proposal thread={thread} role={role} onChanged={onChanged} /> : null}
      {thread.comments.length > 0 ? (
        <ol className="thread__comments" aria-label={t("editor:thread.comments")}>
          {thread.comments.map((comment) => (
            <CommentItem key={comment.id} comment={comment} role={role} onChanged={onChanged} />
          ))}
        </ol>
      ) : null}
      {canComment(role) ? <ReplyForm thread={thread} onChanged={onChanged} /> : null}
      {canResolve(role, thread) ? (
        <button
          type="button"
          className="secondary thread__resolve"
          disabled={busy}
          onClick={() => void run(() => (resolved ? threadsApi.reopen(thread.id) : threadsApi.resolve(thread.id)))}
        >
          {resolved ? t("editor:thread.reopen") : t("editor:thread.resolve")}
          <span className="visually-hidden">{` ${which}`}</span>
        </button>
      ) : null}
      {onReattach && currentText === undefined && !resolved && canDecide(role) ? (
        <button type="button" className="secondary thread__reattach" disabled={busy} onClick={() => void run(onReattach)}>
          {t("editor:thread.reattach")}
          <span className="visually-hidden">{` (${which})`}</span>
        </button>
      ) : null}
      {canDeleteThread(role) ? (
        <button
          type="button"
          className="secondary thread__delete"
          disabled={busy}
          onClick={() => {
            if (window.confirm(proposal ? t("editor:thread.deleteProposalConfirm") : t("editor:thread.deleteCommentThreadConfirm"))) void run(() => threadsApi.deleteThread(thread.id));
          }}
        >
          {t("editor:thread.deleteThread")}
          <span className="visually-hidden">{` (${which})`}</span>
        </button>
      ) : null}
      {error ? (
        <p className="thread__error" role="alert">
          {error}
        </p>
      ) : null}
    </article>
  );
}
