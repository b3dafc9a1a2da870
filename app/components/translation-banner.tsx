/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
/**
 * The public pages' languages (issue 14): links to the authoritative text and each translation, and on a translated
 * page the plain statement that it is a translation, of which version, with its hash and a link to the
 * authoritative text and its hash. Plain HTML (the public pages send no JavaScript). Every English word of the
 * public translation pages is here (to move into i18n keys later).
 */

export interface LanguageLink {
  language: string;
  name: string;
  href: string;
  current: boolean;
  sourceNumber: number | null;
}

export interface ShownTranslation {
  language: string;
  dir: "rtl" | "ltr";
  name: string;
  englishName: string;
  sha256: string;
  sourceNumber: number;
  sourceSha256: string;
  current: boolean;
}

/** The list of languages a declaration can be read in (nothing when it has no translation). */
export function LanguageList({ original, translations, shown }: { original: LanguageLink; translations: LanguageLink[]; shown: string | null }) {
  if (translations.length === 0) return null;
  const all = [original, ...translations];
  return (
    <nav className="languages no-print" aria-label="Languages">
      <span className="muted small">Read in: </span>
      <ul className="inline-list">
        {all.map((l) => {
          const here = (shown ?? original.language) === l.language;
          const note = l.sourceNumber === null ? " (original)" : l.current ? "" : ` (translates version ${l.sourceNumber} — outdated)`;
          return (
            <li key={l.language}>
              {here ? (
                <strong lang={l.language} aria-current="page">{l.name}</strong>
              ) : (
                <a href={l.href} lang={l.language} hrefLang={l.language}>{l.name}</a>
              )}
              {note ? <span className="muted small">{note}</span> : null}
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

/** What a translated page says first: a translation, of which version, bound to which text. */
export function TranslationStatement({ t, originalHref, originalName, authoritativeHash, currentNumber, jsonHref }: {
  t: ShownTranslation;
  originalHref: string;
  originalName: string;
  authoritativeHash: string;
  currentNumber: number;
  jsonHref: string;
}) {
  return (
    <section className={`card translation-statement${t.current ? "" : " outdated"}`} aria-labelledby="translation-title">
      <h2 id="translation-title" className="small">{`This is a translation into ${t.englishName}`}</h2>
      <p>
        {`It translates version ${t.sourceNumber} of the authoritative text${t.current ? "." : ` — outdated: the authoritative text is now at version ${currentNumber}.`} Only the authoritative text is endorsed: `}
        <a href={originalHref}>{`read the original (${originalName})`}</a>.
      </p>
      <dl className="facts small">
        <dt>SHA-256 of this translation</dt>
        <dd><code className="hash">{t.sha256}</code></dd>
        <dt>{`SHA-256 of version ${t.sourceNumber}, the text it translates`}</dt>
        <dd><code className="hash">{t.sourceSha256}</code></dd>
        {t.current ? null : (
          <>
            <dt>{`SHA-256 of version ${currentNumber}, the current authoritative text`}</dt>
            <dd><code className="hash">{authoritativeHash}</code></dd>
          </>
        )}
      </dl>
      <p className="small no-print">
        {"The translation's canonical text and hash: "}
        <a href={jsonHref}>{jsonHref}</a>
      </p>
    </section>
  );
}

/** On the endorse page, arriving from a translated page: what is endorsed and what is recorded. */
export function ReadTranslationNotice({ read, number }: { read: { language: string; name: string; sha256: string; sourceNumber: number; current: boolean }; number: number }) {
  return (
    <p className="notice">
      {`You read the ${read.name} translation (it translates version ${read.sourceNumber}${read.current ? "" : " — outdated"}). You endorse the authoritative text, version ${number}; your receipt also records the translation you read, whose SHA-256 is `}
      <code className="hash">{read.sha256}</code>.
    </p>
  );
}

/** On a receipt: the translation the signer read. */
export function ReadTranslationFacts({ read }: { read: { language: string; name: string; sha256: string } }) {
  return (
    <>
      <dt>Read in</dt>
      <dd>
        {`The ${read.name} translation, whose SHA-256 is `}
        <code className="hash">{read.sha256}</code>
        {". The endorsement is of the authoritative text above."}
      </dd>
    </>
  );
}

/** On /verify: the sealed translations a text or fingerprint is (each with the authoritative version it translates). */
export function TranslationMatchList({ matches }: { matches: { slug: string; language: string; title: string; sourceNumber: number; sourceSha256: string; currentNumber: number }[] }) {
  return (
    <>
      <p><strong>This is exactly a published translation.</strong> Only the authoritative text is endorsed.</p>
      <ul>
        {matches.map((m) => (
          <li key={`${m.slug}:${m.language}:${m.sourceNumber}`}>
            <a href={`/d/${m.slug}?lang=${encodeURIComponent(m.language)}`} lang={m.language}>{m.title}</a>
            {` (${m.language}) translates version ${m.sourceNumber}${m.sourceNumber === m.currentNumber ? "" : " — outdated"}, whose SHA-256 is `}
            <code className="hash">{m.sourceSha256}</code>
          </li>
        ))}
      </ul>
    </>
  );
}
