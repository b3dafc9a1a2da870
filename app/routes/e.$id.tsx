/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
/**
 * /e/:id — the public receipt of one endorsement: which declaration, which version, the SHA-256 of that version's
 * text, when, and the evidence level in words. Nothing private: no e-mail, no account, and no name unless the
 * endorsement is publicly listed. A withdrawn endorsement shows a dated "withdrawn" line and no name.
 * The signer (signed in) also sees how theirs is listed, any organisers' note, and "Withdraw…", which first says what
 * stays public and what is erased (`?withdraw=1`), then withdraws (POST with `confirm=yes`). Works without JavaScript.
 */
import { ReadTranslationFacts } from "../components/translation-banner";
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation, useNavigation, useSearchParams } from "@remix-run/react";
import { loadReceipt, withdrawOwnEndorsement, type ReceiptStatus } from "../models/endorsements.server";
import { formatDate, formatDateTime, isoString } from "../utils/dates";
import { notFound, requireUser } from "../utils/guards.server";
import { useFocusOnArrival } from "../components/focus-on-arrival";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Endorsement receipt — ${data.receipt.title} — Accord` : "Endorsement receipt — Accord" },
  { name: "robots", content: "noindex" },
];

export const headers: HeadersFunction = ({ loaderHeaders }) => {
  const out = new Headers();
  for (const name of ["Cache-Control", "Vary"]) {
    const value = loaderHeaders.get(name);
    if (value) out.set(name, value);
  }
  return out;
};

export async function loader({ context, params }: LoaderFunctionArgs) {
  const auth = await context.auth();
  const receipt = await loadReceipt(params.id, auth?.user.id ?? null);
  if (!receipt) throw notFound();
  // Anyone's view is the same public page; the signer's view is theirs alone.
  return data({ receipt }, { headers: { "Cache-Control": auth ? "private, no-store" : "public, max-age=60", Vary: "Cookie" } });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { user } = await requireUser(request, context);
  let form: FormData | null = null;
  try {
    form = await request.formData();
  } catch {
    form = null;
  }
  const intent = form?.get("intent");
  if (intent !== "withdraw") return data({ error: "That action is not known. Please reload the page and try again." }, { status: 400 });
  if (form?.get("confirm") !== "yes") {
    return data({ error: "Nothing was withdrawn: confirm the withdrawal on the page that says what stays public." }, { status: 400 });
  }
  if (!(await withdrawOwnEndorsement(user.id, params.id))) throw notFound();
  return redirect(`/e/${params.id}?withdrawn=1`);
}

const STATUS_WORDS: Record<Exclude<ReceiptStatus, "listed" | "withdrawn">, string> = {
  pending: "Not listed yet: the organisers list organisations once they have verified them.",
  hidden: "Not listed: the organisers have hidden this endorsement.",
  rejected: "Not listed: the organisers did not accept this endorsement.",
};

export default function Receipt() {
  const { receipt: r } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const newer = r.currentNumber > r.versionNumber;
  return (
    <div className="page reading receipt">
      <p className="eyebrow">Endorsement receipt</p>
      <h1>{r.title}</h1>
      {params.get("new") === "1" && r.isSigner ? (
        <ArrivalNotice>Thank you: your endorsement is recorded. Keep this page’s address as your receipt.</ArrivalNotice>
      ) : null}
      {params.get("withdrawn") === "1" && r.status === "withdrawn" ? (
        <ArrivalNotice>Your endorsement is withdrawn: it no longer appears in the list or the counts.</ArrivalNotice>
      ) : null}
      {r.status === "withdrawn" && r.withdrawnAt ? (
        <p className="withdrawn-line">
          <strong>
            Withdrawn on <time dateTime={isoString(r.withdrawnAt)}>{formatDate(r.withdrawnAt)}</time>.
          </strong>{" "}
          This endorsement no longer counts and is not listed.
        </p>
      ) : null}
      {r.status !== "listed" && r.status !== "withdrawn" ? <p className="alert info">{STATUS_WORDS[r.status]}</p> : null}

      <dl className="facts receipt-facts">
        <dt>Declaration</dt>
        <dd>
          <Link to={`/d/${r.slug}`}>{r.title}</Link>
        </dd>
        <dt>Version</dt>
        <dd>
          {`Version ${r.versionNumber}`}, published <time dateTime={isoString(r.publishedAt)}>{formatDate(r.publishedAt)}</time>
          {newer ? <span className="muted">{` (version ${r.currentNumber} has been published since; this endorsement applies to version ${r.versionNumber} only)`}</span> : null}
        </dd>
        <dt>SHA-256 of the text</dt>
        <dd>
          <code className="hash">{r.sha256}</code>
        </dd>
        {r.read ? <ReadTranslationFacts read={r.read} /> : null}
        <dt>Endorsed</dt>
        <dd>
          <time dateTime={isoString(r.createdAt)}>{formatDateTime(r.createdAt)}</time>
          {r.reconfirmed ? <span className="muted"> (re-confirmed from an earlier version)</span> : null}
        </dd>
        <dt>Kind</dt>
        <dd>{r.kindLabel}</dd>
        <dt>Evidence</dt>
        <dd>{r.evidenceLabel}</dd>
        {r.listing ? (
          <>
            <dt>{r.status === "listed" ? "Listed as" : "Would be listed as"}</dt>
            <dd>{r.listing}</dd>
          </>
        ) : null}
        {r.website ? (
          <>
            <dt>Website</dt>
            <dd>{r.website}</dd>
          </>
        ) : null}
        {r.statement ? (
          <>
            <dt>Statement</dt>
            <dd className="statement">{r.statement}</dd>
          </>
        ) : null}
        {r.moderationReason ? (
          <>
            <dt>Organisers’ note</dt>
            <dd>{r.moderationReason}</dd>
          </>
        ) : null}
      </dl>

      <h2>Checking what was signed</h2>
      <p>
        The hash above is the SHA-256 of version {r.versionNumber}’s canonical text. Anyone can recompute it from the public text,
        for example with <code>{`npm run accord -- verify ${r.slug}`}</code>, and compare.
      </p>

      {r.isSigner && r.status !== "withdrawn" ? <WithdrawSection slug={r.slug} newer={newer ? r.currentNumber : null} confirming={params.get("withdraw") === "1"} busy={busy} /> : null}
    </div>
  );
}

/** The outcome of what the signer just did, focused on arrival (app/components/focus-on-arrival.ts). */
function ArrivalNotice({ children }: { children: React.ReactNode }) {
  const notice = useFocusOnArrival<HTMLDivElement>();
  return (
    <div className="alert ok" role="status" tabIndex={-1} ref={notice}>
      {children}
    </div>
  );
}

/** Asking to withdraw: focus goes to what the first step says, so it is read before the button that confirms. */
function WithdrawQuestion({ children }: { children: React.ReactNode }) {
  const question = useFocusOnArrival<HTMLDivElement>();
  return (
    <div tabIndex={-1} ref={question} className="withdraw-question">
      {children}
    </div>
  );
}

/**
 * The first step's link. After "Keep my endorsement" the question (and the link that had focus) is gone: focus
 * returns to this link, where the person started, instead of falling to the page body.
 */
function WithdrawStart() {
  const kept = (useLocation().state as { keptEndorsement?: boolean } | null)?.keptEndorsement === true;
  const link = useFocusOnArrival<HTMLAnchorElement>();
  return <Link to="?withdraw=1#withdraw" className="button danger" ref={kept ? link : undefined}>Withdraw…</Link>;
}

/** The signer's withdrawal: a first step that says what stays and what goes, then the confirmation. */
function WithdrawSection({ slug, newer, confirming, busy }: { slug: string; newer: number | null; confirming: boolean; busy: boolean }) {
  return (
    <section className="card" aria-labelledby="withdraw-heading" id="withdraw">
      <h2 id="withdraw-heading">Withdraw your endorsement</h2>
      {confirming ? (
        <WithdrawQuestion>
          <p>
            <strong>Withdrawing removes your endorsement from the list and the counts at once, and cannot be undone.</strong>
          </p>
          <ul>
            <li>
              Erased, for everyone including the organisers: your name, role, affiliation, country, capacity and statement
              (or the organisation&apos;s details).
            </li>
            <li>Stays public on this receipt: the declaration, the version and its SHA-256, when you endorsed, the evidence level and the date of withdrawal.</li>
          </ul>
          <p>You can endorse again later.</p>
          <Form method="post" className="actions">
            <input type="hidden" name="intent" value="withdraw" />
            <input type="hidden" name="confirm" value="yes" />
            <button type="submit" className="danger" disabled={busy}>{busy ? "Withdrawing…" : "Yes, withdraw my endorsement"}</button>
            <Link to="?#withdraw" state={{ keptEndorsement: true }}>Keep my endorsement</Link>
          </Form>
        </WithdrawQuestion>
      ) : (
        <p className="actions">
          <WithdrawStart />
        </p>
      )}
      {newer ? (
        <p>
          <Link to={`/d/${slug}/reconfirm`}>{`Endorse version ${newer} with the same details`}</Link>
        </p>
      ) : null}
    </section>
  );
}
