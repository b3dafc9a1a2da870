/**
 * The discussion beside a named version (issue 13), read-only: the threads that existed when it was saved, as they
 * were then (open or resolved, a proposal pending or decided, the comments written by then and as they read then —
 * "edited later" when one reads differently now), each with its words as the version has them. No actions: the live document is where the discussion goes on. Words: the `versionThreads`
 * group of the workshop namespace (the page's loader sends it).
 */
import type { Translate } from "../i18n/instance";
import type { ThreadAtVersion } from "../threads/contract";
import { useT } from "../i18n/react";
import { isoString } from "../utils/dates";
import { dateTimeIn } from "../workshops/words";

/** "pending", "accepted by Anna Berg"… */
function decision(t: Translate, proposal: NonNullable<ThreadAtVersion["proposal"]>): string {
  const by = proposal.decidedBy?.name;
  switch (proposal.status) {
    case "accepted":
      return by ? t("workshop:versionThreads.acceptedBy", { name: by }) : t("workshop:versionThreads.accepted");
    case "rejected":
      return by ? t("workshop:versionThreads.rejectedBy", { name: by }) : t("workshop:versionThreads.rejected");
    case "withdrawn":
      return by ? t("workshop:versionThreads.withdrawnBy", { name: by }) : t("workshop:versionThreads.withdrawn");
    default:
      return t("workshop:versionThreads.pending");
  }
}

function ReadOnlyThread({ thread }: { thread: ThreadAtVersion }) {
  const { t, locale } = useT();
  const title =
    thread.kind === "proposal"
      ? t("workshop:versionThreads.proposalBy", { name: thread.author.name })
      : t("workshop:versionThreads.commentBy", { name: thread.author.name });
  return (
    <article className={`thread${thread.status === "resolved" ? " thread--resolved" : ""}`} aria-label={title}>
      <h3 className="thread__title">
        {title}
        {thread.status === "resolved" ? <span className="badge badge--ok thread__status">{t("workshop:versionThreads.resolved")}</span> : null}
      </h3>
      <p className="thread__meta">
        <time dateTime={isoString(thread.createdAt)}>{dateTimeIn(locale, thread.createdAt)}</time>
      </p>
      {thread.anchorState === "orphaned" ? <p className="thread__anchor badge badge--warn">{t("workshop:versionThreads.orphaned")}</p> : null}
      {thread.anchorState === "edited" ? <p className="thread__anchor badge badge--info">{t("workshop:versionThreads.edited")}</p> : null}
      <blockquote className="thread__quote">{thread.quote.exact}</blockquote>
      {thread.proposal ? (
        <p className="proposal__line">
          <span className="proposal__label">{t("workshop:versionThreads.proposed")} </span>
          <q>{thread.proposal.proposed === "" ? t("workshop:versionThreads.deleteWords") : thread.proposal.proposed}</q>
          {` — ${decision(t, thread.proposal)}`}
        </p>
      ) : null}
      {thread.comments.length > 0 ? (
        <ol className="thread__comments" aria-label={t("workshop:versionThreads.comments")}>
          {thread.comments.map((c) => (
            <li key={c.id} className="comment">
              <p className="comment__meta">
                <strong>{c.author.name}</strong> <time dateTime={isoString(c.createdAt)}>{dateTimeIn(locale, c.createdAt)}</time>
              </p>
              <p className="comment__body">{c.body}</p>
              {c.editedLater ? (
                <p className="comment__edited-later badge badge--info">
                  {c.editedLater === "kept" ? t("workshop:versionThreads.editedLater") : t("workshop:versionThreads.editedLaterNotKept")}
                </p>
              ) : null}
            </li>
          ))}
        </ol>
      ) : null}
    </article>
  );
}

export function VersionThreads({ threads }: { threads: ThreadAtVersion[] }) {
  const { t } = useT();
  const open = threads.filter((th) => th.status === "open").length;
  return (
    <section className="version-threads" aria-labelledby="version-threads-title">
      <h2 id="version-threads-title">{t("workshop:versionThreads.title")}</h2>
      {threads.length === 0 ? (
        <p className="empty">{t("workshop:versionThreads.none")}</p>
      ) : (
        <>
          <p className="meta">{t("workshop:versionThreads.summary", { count: threads.length, open })}</p>
          <ol className="thread-list">
            {threads.map((th) => (
              <li key={th.id}>
                <ReadOnlyThread thread={th} />
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
