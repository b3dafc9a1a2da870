/** Any other /api/* path: a JSON 404 for every method, never the HTML error page. */
import { apiNotFound } from "../utils/api.server";

const noSuchEndpoint = () => apiNotFound("No such API endpoint.");

export const loader = noSuchEndpoint;
export const action = noSuchEndpoint;
