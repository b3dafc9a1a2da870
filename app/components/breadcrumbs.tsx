/**
 * The trail at the top of a page: links to where the page sits, then the page itself (aria-current). The two lists
 * (/workshops, /declarations) are named in the page's language whatever label the caller gave.
 */
import { Link } from "@remix-run/react";
import { useT } from "../i18n/react";

export interface Crumb {
  to: string;
  label: string;
}

export function Breadcrumbs({ trail, current }: { trail: Crumb[]; current: string }) {
  const { t } = useT();
  const name = (c: Crumb) => (c.to === "/workshops" ? t("common:header.workshops") : c.to === "/declarations" ? t("common:header.declarations") : c.label);
  const label = t("common:breadcrumbs");
  return (
    <nav className="breadcrumbs" aria-label={label}>
      <ol>
        {trail.map((c) => (
          <li key={c.to}>
            <Link to={c.to}>{name(c)}</Link>
          </li>
        ))}
        <li>
          <span aria-current="page">{current}</span>
        </li>
      </ol>
    </nav>
  );
}

/** Workshops › the workshop. */
export function workshopTrail(workshop: { slug: string; title: string }): Crumb[] {
  return [
    { to: "/workshops", label: "Workshops" },
    { to: `/workshops/${workshop.slug}`, label: workshop.title },
  ];
}

/** Workshops › the workshop › the document (pages about one document). */
export function documentTrail(document: { id: string; title: string; workshopSlug: string; workshopTitle: string }): Crumb[] {
  return [...workshopTrail({ slug: document.workshopSlug, title: document.workshopTitle }), { to: `/documents/${document.id}`, label: document.title }];
}

/** Declarations › the declaration. */
export function declarationTrail(declaration: { slug: string; title: string }): Crumb[] {
  return [
    { to: "/declarations", label: "Declarations" },
    { to: `/d/${declaration.slug}`, label: declaration.title },
  ];
}
