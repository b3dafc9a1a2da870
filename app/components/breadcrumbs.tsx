/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
/** The trail at the top of a page: links to where the page sits, then the page itself (aria-current). */
import { Link } from "@remix-run/react";

export interface Crumb {
  to: string;
  label: string;
}

export function Breadcrumbs({ trail, current }: { trail: Crumb[]; current: string }) {
  return (
    <nav className="breadcrumbs" aria-label="Breadcrumbs">
      <ol>
        {trail.map((c) => (
          <li key={c.to}>
            <Link to={c.to}>{c.label}</Link>
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
