/** A command's early, clean exit with a code; no stack trace reaches the user. */
export class CommandExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}
