// `container:` and `services:` settings GitHub accepts but that cannot work: registry
// credentials with only one half, and (as warnings) empty containers and passwords
// written into the file.
import { isMap, isScalar, type Node } from "yaml";
import { entries, get, keyNodeOf, resolve, toText } from "../yaml-tree.js";
import { hasExpression, type CheckContext } from "./context.js";

const RULE = "container";

export function checkContainers(ctx: CheckContext): void {
  for (const job of ctx.jobs) {
    const container = resolve(ctx.src, get(ctx.src, job.node, "container"));
    // `container: null` is a common way to switch a container off; an empty name looks like a slip.
    if (isScalar(container) && container.value === "") {
      ctx.warn(
        container,
        RULE,
        `job '${job.model.id}' sets an empty container image, so its steps run on the runner itself`,
        "remove `container:` or name an image",
      );
    } else checkCredentials(ctx, container, "the job container");
    for (const service of entries(ctx.src, get(ctx.src, job.node, "services"))) {
      checkCredentials(ctx, service.value, `service '${service.key}'`);
    }
  }
}

function checkCredentials(ctx: CheckContext, node: Node | undefined, what: string): void {
  if (!isMap(node)) return;
  const credentialsKey = keyNodeOf(ctx.src, node, "credentials");
  const credentials = resolve(ctx.src, get(ctx.src, node, "credentials"));
  if (credentialsKey === undefined || !isMap(credentials)) return;
  const username = get(ctx.src, credentials, "username");
  const password = get(ctx.src, credentials, "password");
  if ((username === undefined) !== (password === undefined)) {
    const missing = username === undefined ? "username" : "password";
    ctx.error(
      credentialsKey,
      RULE,
      `the registry credentials of ${what} have no ${missing}; the image pull logs in with both`,
      `add \`${missing}:\`, e.g. from \${{ secrets.REGISTRY_${missing.toUpperCase()} }}`,
    );
  }
  const text = password === undefined ? undefined : toText(ctx.src, password);
  if (password !== undefined && text !== undefined && text !== "" && !hasExpression(text)) {
    ctx.warn(password, RULE, `the registry password of ${what} is written in the workflow file`, "store it as a secret and use ${{ secrets.NAME }}");
  }
}
