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
import { formatDateIn, formatDateTimeIn, isoString } from "../utils/dates";
import { Trans, useT } from "../i18n/react";
import { requestLocale, requestT, tFor } from "../i18n/strings.server";
import { publicStrings } from "../declarations/public-strings.server";
import { notFound, requireUser } from "../utils/guards.server";
import { useFocusOnArrival } from "../components/focus-on-arrival";

export const meta: MetaFunction<typeof loader> = ({ data }) => [...(data ? [{ title: data.title }] : []), { name: "robots", content: "noindex" }];

export const headers: HeadersFunction = ({ loaderHeaders }) => {
  const out = new Headers();
  for (const name of ["Cache-Control", "Vary"]) {
    const value = loaderHeaders.get(name);
    if (value) out.set(name, value);
  }
  return out;
};

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const auth = await context.auth();
  const locale = await requestLocale(request, context);
  const t = tFor(locale);
  const receipt = await loadReceipt(params.id, auth?.user.id ?? null, { t, locale });
  if (!receipt) throw notFound();
  // Anyone's view is the same public page (in the reader's language); the signer's view is theirs alone.
  return data(
    { title: t("public:receipt.title", { title: receipt.title }), receipt, i18n: await publicStrings(request, context, [...(receipt.isSigner ? (["receipt", "withdrawal"] as const) : (["receipt"] as const)), ...(receipt.read ? (["translation"] as const) : [])]) },
    { headers: { "Cache-Control": auth ? "private, no-store" : "public, max-age=60", Vary: "Cookie, Accept-Language" } },
  );
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
  const t = await requestT(request, context);
  if (intent !== "withdraw") return data({ error: t("public:receipt.unknownAction") }, { status: 400 });
  if (form?.get("confirm") !== "yes") {
    return data({ error: t("public:receipt.notConfirmed") }, { status: 400 });
  }
  if (!(await withdrawOwnEndorsement(user.id, params.id))) throw notFound();
  return redirect(`/e/${params.id}?withdrawn=1`);
}

const STATUS_KEYS: Record<Exclude<ReceiptStatus, "listed" | "withdrawn">, string> = {
  pending: "public:receipt.status.pending",
  hidden: "public:receipt.status.hidden",
  rejected: "public:receipt.status.rejected",
};

export default function Receipt() {
  const { receipt: r } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const newer = r.currentNumber > r.versionNumber;
  const { t, locale } = useT();
  return (
    <div className="page reading receipt">
      <p className="eyebrow">{t("public:receipt.eyebrow")}</p>
      <h1>{r.title}</h1>
      {params.get("new") === "1" && r.isSigner ? (
        <ArrivalNotice>{t("public:receipt.thanks")}</ArrivalNotice>
      ) : null}
      {params.get("withdrawn") === "1" && r.status === "withdrawn" ? (
        <ArrivalNotice>{t("public:receipt.withdrawnNotice")}</ArrivalNotice>
      ) : null}
      {r.status === "withdrawn" && r.withdrawnAt ? (
        <p className="withdrawn-line">
          <strong>
            <Trans
              k="public:receipt.withdrawnOn"
              values={{ date: formatDateIn(locale, r.withdrawnAt) }}
              tags={{ when: (c) => <time dateTime={isoString(r.withdrawnAt ?? "")}>{c}</time> }}
            />
          </strong>{" "}
          {t("public:receipt.noLongerCounts")}
        </p>
      ) : null}
      {r.status !== "listed" && r.status !== "withdrawn" ? <p className="alert info">{t(STATUS_KEYS[r.status])}</p> : null}

      <dl className="facts receipt-facts">
        <dt>{t("public:receipt.declaration")}</dt>
        <dd>
          <Link to={`/d/${r.slug}`}>{r.title}</Link>
        </dd>
        <dt>{t("public:receipt.version")}</dt>
        <dd>
          <Trans
            k="public:receipt.versionPublished"
            values={{ number: r.versionNumber, date: formatDateIn(locale, r.publishedAt) }}
            tags={{ when: (c) => <time dateTime={isoString(r.publishedAt)}>{c}</time> }}
          />
          {newer ? <span className="muted">{` ${t("public:receipt.newer", { current: r.currentNumber, number: r.versionNumber })}`}</span> : null}
        </dd>
        <dt>{t("public:receipt.hash")}</dt>
        <dd>
          <code className="hash">{r.sha256}</code>
        </dd>
        {r.read ? <ReadTranslationFacts read={r.read} /> : null}
        <dt>{t("public:receipt.endorsed")}</dt>
        <dd>
          <time dateTime={isoString(r.createdAt)}>{formatDateTimeIn(locale, r.createdAt)}</time>
          {r.reconfirmed ? <span className="muted">{` ${t("public:receipt.reconfirmed")}`}</span> : null}
        </dd>
        <dt>{t("public:receipt.kind")}</dt>
        <dd>{r.kindLabel}</dd>
        <dt>{t("public:receipt.evidence")}</dt>
        <dd>{r.evidenceLabel}</dd>
        {r.listing ? (
          <>
            <dt>{r.status === "listed" ? t("public:receipt.listedAs") : t("public:receipt.wouldBeListedAs")}</dt>
            <dd>{r.listing}</dd>
          </>
        ) : null}
        {r.website ? (
          <>
            <dt>{t("public:receipt.website")}</dt>
            <dd>{r.website}</dd>
          </>
        ) : null}
        {r.statement ? (
          <>
            <dt>{t("public:receipt.statement")}</dt>
            <dd className="statement">{r.statement}</dd>
          </>
        ) : null}
        {r.moderationReason ? (
          <>
            <dt>{t("public:receipt.note")}</dt>
            <dd>{r.moderationReason}</dd>
          </>
        ) : null}
      </dl>

      <h2>{t("public:receipt.checking")}</h2>
      <p>
        <Trans
          k="public:receipt.checkingHow"
          values={{ number: r.versionNumber, command: `npm run accord -- verify ${r.slug}` }}
          tags={{ code: (c) => <code>{c}</code> }}
        />
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
  const { t } = useT();
  return <Link to="?withdraw=1#withdraw" className="button danger" ref={kept ? link : undefined}>{t("public:withdrawal.withdraw")}</Link>;
}

/** The signer's withdrawal: a first step that says what stays and what goes, then the confirmation. */
function WithdrawSection({ slug, newer, confirming, busy }: { slug: string; newer: number | null; confirming: boolean; busy: boolean }) {
  const { t } = useT();
  return (
    <section className="card" aria-labelledby="withdraw-heading" id="withdraw">
      <h2 id="withdraw-heading">{t("public:withdrawal.withdrawTitle")}</h2>
      {confirming ? (
        <WithdrawQuestion>
          <p>
            <strong>{t("public:withdrawal.withdrawWarning")}</strong>
          </p>
          <ul>
            <li>{t("public:withdrawal.erased")}</li>
            <li>{t("public:withdrawal.stays")}</li>
          </ul>
          <p>{t("public:withdrawal.again")}</p>
          <Form method="post" className="actions">
            <input type="hidden" name="intent" value="withdraw" />
            <input type="hidden" name="confirm" value="yes" />
            <button type="submit" className="danger" disabled={busy}>{busy ? t("public:withdrawal.withdrawing") : t("public:withdrawal.confirmWithdraw")}</button>
            <Link to="?#withdraw" state={{ keptEndorsement: true }}>{t("public:withdrawal.keep")}</Link>
          </Form>
        </WithdrawQuestion>
      ) : (
        <p className="actions">
          <WithdrawStart />
        </p>
      )}
      {newer ? (
        <p>
          <Link to={`/d/${slug}/reconfirm`}>{t("public:withdrawal.reconfirm", { number: newer })}</Link>
        </p>
      ) : null}
    </section>
  );
}
