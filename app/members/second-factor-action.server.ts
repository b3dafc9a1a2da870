/** The members page's second-factor forms: require it of organisers (or not), reset an organiser's lost one. */
import type { Translate } from "../i18n/instance";
import { z } from "zod";
import { resetSecondFactorByOrganiser } from "../auth/second-factor.server";
import { SecondFactorResetError } from "../auth/security-refusals";
import { resetRefusalWords } from "../auth/security-words.server";
import { listMembers } from "../models/memberships.server";
import { setWorkshopSecondFactorRule } from "../models/workshop-second-factor.server";
import { membersResult } from "./members-result.server";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const secondFactorIntents = (t: Translate) =>
  [
    z.object({ intent: z.literal("second-factor-rule"), required: z.enum(["on", "off"], { message: t("workshop:members.errors.chooseOnOff") }) }),
    z.object({
      intent: z.literal("reset-second-factor"),
      userId: z.string({ message: t("workshop:members.errors.chooseMember") }).regex(UUID, t("workshop:members.errors.chooseMember")),
    }),
  ] as const;

type Input = z.infer<ReturnType<typeof secondFactorIntents>[number]>;

type Actor = { id: string; secondFactor: boolean };
type Workshop = { id: string; title: string };

export async function handleSecondFactorIntent(input: Input, actor: Actor, workshop: Workshop, t: Translate) {
  if (input.intent === "second-factor-rule") {
    const required = input.required === "on";
    const result = await setWorkshopSecondFactorRule({ workshopId: workshop.id, actorId: actor.id, actorVerified: actor.secondFactor, required });
    if (!result.ok) return membersResult({ intent: input.intent, error: t("workshop:secondFactor.errors.ownFirstRule") }, 409);
    return membersResult({
      intent: input.intent,
      notice: required
        ? t("workshop:secondFactor.nowRequired")
        : t("workshop:secondFactor.noLongerRequired"),
    });
  }
  const member = (await listMembers(workshop.id)).find((m) => m.userId === input.userId);
  if (!member) return membersResult({ intent: input.intent, error: t("workshop:members.errors.notMember") }, 409);
  try {
    await resetSecondFactorByOrganiser({ workshopId: workshop.id, workshopTitle: workshop.title, actorId: actor.id, actorVerified: actor.secondFactor, userId: member.userId });
  } catch (error) {
    if (error instanceof SecondFactorResetError) return membersResult({ intent: input.intent, error: resetRefusalWords(t, error.code) }, 409);
    throw error;
  }
  return membersResult({
    intent: input.intent,
    notice: t("workshop:secondFactor.wasReset", { name: member.name }),
  });
}
