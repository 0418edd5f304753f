import { test } from "node:test";
import assert from "node:assert/strict";
import { parseRemoteUrl } from "./remote.js";

test("GitHub remote URLs in every syntax git accepts", () => {
  const acme = { owner: "acme", name: "widgets" };
  for (const url of [
    "https://github.com/acme/widgets.git",
    "https://github.com/acme/widgets",
    "https://github.com/acme/widgets/",
    "http://github.com/acme/widgets.git",
    "https://x-access-token:secret@github.com/acme/widgets.git",
    "git@github.com:acme/widgets.git",
    "git@github.com:acme/widgets",
    "github.com:acme/widgets.git",
    "ssh://git@github.com/acme/widgets.git",
    "ssh://git@github.com:22/acme/widgets.git",
    "git+ssh://git@github.com/acme/widgets.git",
    "git://github.com/acme/widgets.git",
    "https://github.example.com/acme/widgets.git",
    "  git@github.com:acme/widgets.git\n",
  ]) {
    assert.deepEqual(parseRemoteUrl(url), acme, url);
  }
  assert.deepEqual(parseRemoteUrl("https://github.com/acme/my.dotted.repo.git"), { owner: "acme", name: "my.dotted.repo" });
});

test("remotes that are not owner/repo give undefined", () => {
  for (const url of [
    "/srv/git/widgets.git",
    "../widgets",
    "file:///srv/git/acme/widgets.git",
    "C:/src/acme/widgets",
    "https://gitlab.com/group/sub/widgets.git",
    "https://github.com/acme",
    "ftp://github.com/acme/widgets.git",
    "",
  ]) {
    assert.equal(parseRemoteUrl(url), undefined, url);
  }
});
