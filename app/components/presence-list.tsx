/**
 * "People here": everyone in the document's awareness, with the name, caret colour and role the server stamped
 * into each state. Awareness states come from other browsers, so every field is checked before it is shown.
 */
import { useEffect, useId, useState } from "react";
import type { Awareness } from "y-protocols/awareness";
import { isRole, type Role } from "../models/roles";
import { useT } from "../i18n/react";

interface Person {
  clientId: number;
  name: string;
  colour: string;
  role: Role | null;
  isYou: boolean;
}

const HEX_COLOUR = /^#[0-9a-f]{6}$/i;
const MAX_NAME_LENGTH = 80;

function toPerson(clientId: number, state: Record<string, unknown>, ownClientId: number): Person | null {
  const user = state.user as { name?: unknown; color?: unknown; role?: unknown } | undefined;
  if (!user || typeof user.name !== "string" || user.name.trim() === "") return null;
  return {
    clientId,
    name: user.name.trim().slice(0, MAX_NAME_LENGTH),
    colour: typeof user.color === "string" && HEX_COLOUR.test(user.color) ? user.color : "var(--muted)",
    role: isRole(user.role) ? user.role : null,
    isYou: clientId === ownClientId,
  };
}

/** You first, then everyone else by name. */
function readPeople(awareness: Awareness): Person[] {
  const people: Person[] = [];
  for (const [clientId, state] of awareness.getStates()) {
    const person = toPerson(clientId, state, awareness.clientID);
    if (person) people.push(person);
  }
  return people.sort((a, b) => Number(b.isYou) - Number(a.isYou) || a.name.localeCompare(b.name));
}

/**
 * `roleNames`: each role's name in the page's language (app/workshops/names.ts's `roleNames`, from the loader).
 * `you`: the reader, listed first until their own state is in the awareness (and while there is none yet: the server's
 * page, before the connection), so the list does not grow by a line when it arrives.
 */
export function PresenceList({ awareness, roleNames, you }: { awareness: Awareness | null; roleNames: Record<Role, string>; you: { name: string; colour: string } }) {
  const { t } = useT();
  const headingId = useId();
  const [states, setStates] = useState<Person[]>(() => (awareness ? readPeople(awareness) : []));

  useEffect(() => {
    if (!awareness) return setStates([]);
    const update = () => setStates(readPeople(awareness));
    update();
    awareness.on("change", update);
    return () => awareness.off("change", update);
  }, [awareness]);
  const people = states.some((person) => person.isYou) ? states : [{ clientId: -1, name: you.name.trim().slice(0, MAX_NAME_LENGTH), colour: you.colour, role: null, isYou: true }, ...states];

  return (
    <section className="presence" aria-labelledby={headingId}>
      <h2 id={headingId} className="presence__title">
        {t("editor:presence.title")}
      </h2>
      <ul className="presence__list">
        {people.map((person) => (
          <li key={person.clientId} className="presence__person">
            <span className="presence__dot" style={{ backgroundColor: person.colour }} aria-hidden="true" />
            <span className="presence__name">
              {person.name}
              {person.isYou ? ` ${t("editor:presence.you")}` : null}
            </span>
            {person.role ? (
              <span className="presence__role">
                <span className="visually-hidden">, </span>
                {roleNames[person.role]}
              </span>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
