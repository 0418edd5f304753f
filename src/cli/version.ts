// tierci's version is the one in package.json, so a release bumps it in one place.
import { readFileSync } from "node:fs";

/** package.json of this installation: three levels above this module's compiled file (dist/src/cli/). */
const PACKAGE_JSON = new URL("../../../package.json", import.meta.url);

export function tierciVersion(): string {
  return (JSON.parse(readFileSync(PACKAGE_JSON, "utf8")) as { version: string }).version;
}
