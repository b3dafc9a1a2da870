/** The members page's second-factor forms: require it of organisers (or not), reset an organiser's lost one. */
import { z } from "zod";
import { resetSecondFactorByOrganiser, SecondFactorResetError } from "../auth/second-factor.server";
import { listMembers } from "../models/memberships.server";
import { setWorkshopSecondFactorRule } from "../models/workshop-second-factor.server";
import { membersResult } from "./members-result.server";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const secondFactorIntents = [
  z.object({ intent: z.literal("second-factor-rule"), required: z.enum(["on", "off"], { message: "Choose on or off." }) }),
  z.object({ intent: z.literal("reset-second-factor"), userId: z.string({ message: "Choose a member." }).regex(UUID, "Choose a member.") }),
] as const;

type Input = z.infer<(typeof secondFactorIntents)[number]>;
type Actor = { id: string; secondFactor: boolean };
type Workshop = { id: string; title: string };

export async function handleSecondFactorIntent(input: Input, actor: Actor, workshop: Workshop) {
  if (input.intent === "second-factor-rule") {
    const required = input.required === "on";
    const result = await setWorkshopSecondFactorRule({ workshopId: workshop.id, actorId: actor.id, actorVerified: actor.secondFactor, required });
    if (!result.ok) return membersResult({ intent: input.intent, error: result.error }, 409);
    return membersResult({
      intent: input.intent,
      notice: required
        ? "Organisers of this workshop now need a second factor to publish, moderate, export and manage members."
        : "Organisers of this workshop no longer need a second factor.",
    });
  }
  const member = (await listMembers(workshop.id)).find((m) => m.userId === input.userId);
  if (!member) return membersResult({ intent: input.intent, error: "That person is not a member of this workshop." }, 409);
  try {
    await resetSecondFactorByOrganiser({ workshopId: workshop.id, workshopTitle: workshop.title, actorId: actor.id, actorVerified: actor.secondFactor, userId: member.userId });
  } catch (error) {
    if (error instanceof SecondFactorResetError) return membersResult({ intent: input.intent, error: error.message }, 409);
    throw error;
  }
  return membersResult({
    intent: input.intent,
    notice: `The second factor of ${member.name} was reset: they can sign in with their password and set up a new one. They were told by e-mail.`,
  });
}
