// The coverage files the Codecov CLI finds when its search is on: file names matching its
// include patterns and none of its exclude patterns, anywhere below the search directory except
// in the folders it always skips and those given with `exclude`.
import type { Dirent } from "node:fs";
import { readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import picomatch from "picomatch";

const INCLUDE = [
  "*.clover",
  "*.codecov.*",
  "*.gcov",
  "*.lcov",
  "*.lst",
  "*coverage*.*",
  "*Jacoco*.xml",
  "clover.xml",
  "cobertura.xml",
  "codecov-result.json",
  "codecov.*",
  "cover.out",
  "coverage-final.json",
  "excoveralls.json",
  "gcov.info",
  "jacoco*.xml",
  "lcov.dat",
  "pylcov.dat",
  "lcov.info",
  "luacov.report.out",
  "naxsi.info",
  "nosetests.xml",
  "report.xml",
  "test_cov.xml",
];

const EXCLUDE = [
  "*.am",
  "*.bash",
  "*.bat",
  "*.bw",
  "*.cfg",
  "*.class",
  "*.cmake",
  "*.conf",
  "*.coverage",
  "*.cp",
  "*.cpp",
  "*.crt",
  "*.css",
  "*.csv",
  "*.data",
  "*.db",
  "*.dox",
  "*.ec",
  "*.egg",
  "*.el",
  "*.env",
  "*.erb",
  "*.exe",
  "*.ftl",
  "*.gif",
  ".git*",
  "*.gradle",
  "*.gz",
  "*.h",
  "*.html",
  "*.in",
  "*.jade",
  "*.jar*",
  "*.jpeg",
  "*.jpg",
  "*.js",
  "*.less",
  "*.log",
  "*.m4",
  "*.mak*",
  "*.md",
  ".nvmrc",
  "*.o",
  "*.p12",
  "*.pem",
  "*.png",
  "*.pom*",
  "*.profdata",
  "*.proto",
  "*.ps1",
  "*.pth",
  "*.py",
  "*.pyc",
  "*.pyo",
  "*.rb",
  "*.rsp",
  "*.rst",
  "*.ru",
  "*.sbt",
  "*.scss",
  "*.serialized",
  "*.sh",
  "*.snapshot",
  "*.sql",
  "*.svg",
  "*.tar.tz",
  "*.template",
  "*.ts",
  "*.whl",
  "*.xcconfig",
  "*.xcoverage.*",
  "*codecov.yml",
  "*~",
  ".*coveragerc",
  ".coverage*",
  "coverage-summary.json",
  "codecov.SHA256SUM",
  "codecov.SHA256SUM.sig",
  "createdFiles.lst",
  "fullLocaleNames.lst",
  "include.lst",
  "inputFiles.lst",
  "phpunit-code-coverage.xml",
  "phpunit-coverage.xml",
  "remapInstanbul.coverage*.json",
  "scoverage.measurements.*",
  "test_*_coverage.txt",
  "test-result-*-codecoverage.json",
  "testrunner-coverage*",
  "*.*js",
  "*.map",
  "*.egg-info",
  ".ds_store",
  "*.zip",
];

const IGNORED_FOLDERS = [
  "vendor",
  "bower_components",
  ".circleci",
  "conftest_*.c.gcov",
  ".egg-info*",
  ".env",
  ".envs",
  ".git",
  ".go",
  ".hg",
  ".map",
  ".marker",
  ".tox",
  ".venv",
  ".venvs",
  ".virtualenv",
  ".virtualenvs",
  ".yarn",
  ".yarn-cache",
  "__pycache__",
  "env",
  "envs",
  "htmlcov",
  "js/generated/coverage",
  "node_modules",
  "venv",
  "venvs",
  "virtualenv",
  "virtualenvs",
  "jspm_packages",
  ".nyc_output",
];

// fnmatch, as the CLI uses it: `*` crosses dots at the start of a name too.
const OPTIONS = { dot: true, nobrace: true, noextglob: true, posix: true, windows: false };
const included = picomatch(INCLUDE, OPTIONS);
const excluded = picomatch(EXCLUDE, OPTIONS);
const reportClassycle = (rel: string): boolean => rel.endsWith("/classycle/report.xml");

/** Absolute paths, sorted, of the coverage files below `root`. */
export async function searchCoverageFiles(root: string, extraExcludes: string[]): Promise<string[]> {
  const folders = [...IGNORED_FOLDERS, ...extraExcludes];
  const names = picomatch(
    folders.filter((f) => !f.includes("/")),
    OPTIONS,
  );
  const paths = folders.filter((f) => f.includes("/")).map((f) => f.replace(/\/+$/, ""));
  const found: string[] = [];
  const visit = async (dir: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const path = join(dir, e.name);
      const rel = relative(root, path);
      if (e.isDirectory()) {
        if (!names(e.name) && !paths.includes(rel)) await visit(path);
      } else if (e.isFile() && included(e.name) && !excluded(e.name) && !reportClassycle(`/${rel}`)) {
        found.push(path);
      }
    }
  };
  await visit(root);
  return found.sort();
}
