/** GET /api/workshops: the workshops the caller belongs to (administrators: all), with the caller's role. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { listWorkshopsForUser } from "../models/workshops.server";
import { apiJson, methodNotAllowed, withApiUser } from "../utils/api.server";

export async function loader({ context }: LoaderFunctionArgs) {
  return withApiUser(context, "read", async ({ user }) => {
    const workshops = await listWorkshopsForUser(user.id);
    return apiJson(
      workshops.map((w) => ({ slug: w.slug, title: w.title, startsOn: w.startsOn, endsOn: w.endsOn, venue: w.venue, role: w.role })),
    );
  });
}

export const action = () => methodNotAllowed();
