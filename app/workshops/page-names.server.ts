/**
 * The names a page sends already said (app/workshops/names.ts): the document page needs its kind's, its status's and
 * every role's name (for the presence list) but not the naming code in its bundle. Server-only, so the browser build
 * gets an empty module instead of app/workshops/names.ts.
 */
import type { Translate } from "../i18n/instance";
import { kindName, roleNames, statusName } from "./names";

export const documentNames = (t: Translate, document: { kind: string; status: string }) => ({
  kind: kindName(t, document.kind),
  status: statusName(t, document.status),
  roles: roleNames(t),
});
