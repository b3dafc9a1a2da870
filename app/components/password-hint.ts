/** The words shown next to every "choose a password" field (the rules live in app/auth/password.server.ts). */
export const PASSWORD_HINT =
  "Between 12 and 256 characters, and not a commonly used password. A few unrelated words make a good one.";
