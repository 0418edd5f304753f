// The dispatch form, made from the workflow's `workflow_dispatch.inputs`: a choice is a select, a
// boolean a checkbox, a number a number field, a string or environment a text field. The browser
// checks what it can before sending; the server's 422 messages are shown beside their fields.
import type { FastifyInstance } from "fastify";
import type { InputDef } from "../../workflow/model.js";
import type { ServerContext } from "../http/context.js";
import { dispatchRun, dispatchTarget } from "../http/run-actions.js";
import { errorPage, sessionOf } from "./dashboard.js";
import { html, type Html } from "./html.js";
import { csrfField, page, type PageUser } from "./layout.js";
import { REPO_PARAMS } from "./params.js";

const WORKFLOW = "^[A-Za-z0-9._-]{1,200}\\.ya?ml$";
const REF = "^[^\\s~^:?*\\[\\\\]{1,255}$";

interface FormState {
  workflow: string;
  ref: string;
  values: Record<string, string>;
  errors: string[];
  byInput: Record<string, string[]>;
}

function fieldError(name: string, messages: readonly string[] | undefined): Html {
  return html`<p class="field-error" id="err-${name}" role="alert" ${messages?.length ? "" : html` hidden`}>${(messages ?? []).join(" ")}</p>`;
}

function inputField(def: InputDef, state: FormState): Html {
  const name = `input:${def.name}`;
  const id = `in-${def.name}`;
  const value = state.values[def.name] ?? (def.default === undefined ? "" : String(def.default));
  const errors = state.byInput[def.name];
  const invalid = errors?.length ? html` aria-invalid="true"` : "";
  const described = html` aria-describedby="err-${name}${def.description ? ` hint-${def.name}` : ""}"`;
  const required = def.required && def.type !== "boolean" ? html` required` : "";
  const label = html`<label for="${id}">${def.name}${def.required ? " (required)" : ""}</label>`;
  const hint = def.description ? html`<div class="hint" id="hint-${def.name}">${def.description}</div>` : "";
  let control: Html;
  if (def.type === "boolean") {
    control = html`<input type="checkbox" id="${id}" name="${name}" value="true" ${value === "true" ? html` checked` : ""}${described} />`;
    return html`<div class="field">${control} ${label}${hint}${fieldError(name, errors)}</div>`;
  }
  if (def.type === "choice")
    control = html`<select id="${id}" name="${name}" ${required}${invalid}${described}>
      ${def.required ? "" : html`<option value=""></option>`}${(def.options ?? []).map((o) => html`<option${o === value ? html` selected` : ""}>${o}</option>`)}
    </select>`;
  else
    control = html`<input
      type="${def.type === "number" ? "number" : "text"}"
      ${def.type === "number" ? html` step="any"` : ""}
      id="${id}"
      name="${name}"
      value="${value}"
      ${required}${invalid}${described}
      maxlength="65536"
    />`;
  return html`<div class="field">${label}${hint}${control}${fieldError(name, errors)}</div>`;
}

function pickForm(repo: string, state: FormState): Html {
  return html`<form method="get" action="/repos/${repo}/dispatch" data-check>
    <div class="field">
      <label for="workflow">Workflow file</label>
      <div class="hint">In .github/workflows/, e.g. release.yml</div>
      <input
        type="text"
        id="workflow"
        name="workflow"
        value="${state.workflow}"
        required
        pattern="${WORKFLOW.replace(/^\^|\$$/g, "")}"
        aria-describedby="err-workflow"
      />${fieldError("workflow", [])}
    </div>
    <div class="field">
      <label for="ref">Branch or tag</label>
      <div class="hint">Empty: the default branch</div>
      <input type="text" id="ref" name="ref" value="${state.ref}" />
    </div>
    <button type="submit">Show its inputs</button>
  </form>`;
}

function inputsForm(repo: string, defs: readonly InputDef[], state: FormState, user: PageUser): Html {
  return html`<form method="post" action="/repos/${repo}/dispatch" id="dispatch" data-check novalidate>
    ${csrfField(user)} <input type="hidden" name="workflow" value="${state.workflow}" /><input type="hidden" name="ref" value="${state.ref}" />
    ${defs.length ? defs.map((d) => inputField(d, state)) : html`<p class="muted">This workflow takes no inputs.</p>`}
    <button type="submit">Run workflow</button>
  </form>`;
}

function formPage(repo: string, user: PageUser, state: FormState, defs: readonly InputDef[] | undefined): string {
  const general = state.errors.filter((e) => !Object.values(state.byInput).some((list) => list.includes(e)));
  const body = html`<p><a href="/">← Runs</a></p>
    <h1>Run a workflow of ${repo}</h1>
    ${
      general.length
        ? html`<div class="error" role="alert" id="dispatch-errors">
            <ul>
              ${general.map((e) => html`<li>${e}</li>`)}
            </ul>
          </div>`
        : ""
    }
    ${
      defs
        ? html`<p class="meta">
              Workflow <span class="mono">${state.workflow}</span>${state.ref ? html` at <span class="mono">${state.ref}</span>` : " on the default branch"} ·
              <a href="/repos/${repo}/dispatch">another workflow</a>
            </p>
            ${inputsForm(repo, defs, state, user)}`
        : pickForm(repo, state)
    }`;
  return page(`Run a workflow of ${repo}`, user, body);
}

export function registerDispatchPage(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Params: { owner: string; name: string }; Querystring: { workflow?: string; ref?: string } }>(
    "/repos/:owner/:name/dispatch",
    {
      config: { page: "trigger" },
      schema: {
        params: REPO_PARAMS,
        querystring: { type: "object", properties: { workflow: { type: "string", maxLength: 210 }, ref: { type: "string", maxLength: 255 } } },
      },
    },
    async (req, reply) => {
      const session = sessionOf(req);
      const repo = `${req.params.owner}/${req.params.name}`;
      const state: FormState = { workflow: req.query.workflow ?? "", ref: req.query.ref ?? "", values: {}, errors: [], byInput: {} };
      const send = (code: number, defs?: readonly InputDef[]) =>
        reply
          .code(code)
          .type("text/html; charset=utf-8")
          .send(formPage(repo, session, state, defs));
      if (!ctx.config.repos.some((r) => r.name === repo)) return errorPage(reply, 404, session, `No repository '${repo}' is configured on this server.`);
      if (!state.workflow) return send(200);
      if (!new RegExp(WORKFLOW).test(state.workflow) || (state.ref && !new RegExp(REF).test(state.ref))) {
        state.errors.push("Give a workflow file name such as ci.yml and a valid branch or tag name.");
        return send(422);
      }
      const target = await dispatchTarget(ctx, repo, state.workflow, state.ref || undefined);
      if (!target.ok) {
        state.errors.push(...target.errors);
        return send(target.status);
      }
      if (!target.trigger) {
        state.errors.push(`${state.workflow} has no workflow_dispatch trigger, so it cannot be run by hand.`);
        return send(422);
      }
      return send(200, target.trigger.inputs ?? []);
    },
  );

  app.post<{ Params: { owner: string; name: string }; Body: Record<string, string> }>(
    "/repos/:owner/:name/dispatch",
    { config: { page: "trigger" }, schema: { params: REPO_PARAMS } },
    async (req, reply) => {
      const session = sessionOf(req);
      const repo = `${req.params.owner}/${req.params.name}`;
      const workflow = req.body["workflow"] ?? "";
      const ref = req.body["ref"] ?? "";
      if (!new RegExp(WORKFLOW).test(workflow) || (ref && !new RegExp(REF).test(ref)))
        return errorPage(reply, 422, session, "The form names no valid workflow file or ref; start again from the dispatch page.");
      const target = await dispatchTarget(ctx, repo, workflow, ref || undefined);
      const defs = target.ok ? (target.trigger?.inputs ?? []) : [];
      const values: Record<string, string> = {};
      for (const [key, value] of Object.entries(req.body)) if (key.startsWith("input:") && value !== "") values[key.slice(6)] = value;
      // An unticked checkbox sends nothing: it means false.
      for (const d of defs) if (d.type === "boolean" && values[d.name] === undefined) values[d.name] = "false";
      const result = await dispatchRun(ctx, repo, { workflow, ...(ref ? { ref } : {}), inputs: values }, session.caller.name);
      if (result.ok) return reply.code(303).header("location", `/runs/${result.run.id}`).send();
      const state: FormState = { workflow, ref, values, errors: result.errors, byInput: result.byInput ?? {} };
      return reply
        .code(result.status)
        .type("text/html; charset=utf-8")
        .send(formPage(repo, session, state, target.ok && target.trigger ? defs : undefined));
    },
  );
}
