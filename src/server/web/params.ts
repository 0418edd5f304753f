// The path parameters of dashboard pages, bounded like the API's.
const RUN_ID = { type: "string", pattern: "^[0-9a-z]{1,40}$" } as const;

export const RUN_PARAMS = { type: "object", properties: { id: RUN_ID } } as const;
export const JOB_PARAMS = { type: "object", properties: { id: RUN_ID, job: { type: "integer", minimum: 1 } } } as const;
export const REPO_PARAMS = {
  type: "object",
  properties: { owner: { type: "string", pattern: "^[A-Za-z0-9._-]{1,100}$" }, name: { type: "string", pattern: "^[A-Za-z0-9._-]{1,100}$" } },
} as const;
