#!/usr/bin/env node
// `npx org-access [COMMAND] [OPTIONS]` (package.json's "bin"): brings dist/ up to date with the
// sources (scripts/build.js, incremental: a fresh clone needs no build step) and runs the
// dispatcher, cli/main.ts. `npx org-access` in the project's folder runs this file: npm exec looks
// for a bin of that name in the local package itself before anything else
// (libnpmexec: "self-execution of a local bin", https://github.com/npm/cli/issues/9766), and
// runs it with node_modules/.bin first on PATH, so `env node` finds the devDependency `node`
// (Node 22) even where the system's node is older. Plain JavaScript: it runs before anything is
// built.
"use strict";

/**
 * What to print when this Node.js is too old, else undefined: the message on stderr and, when the
 * arguments before `--` hold --json, the same as cli/command.ts's JSON error document on stdout
 * (a program reading stdout always reads JSON). Written here, not imported: nothing is built yet.
 */
function nodeVersionRefusal(version, argv) {
    const major = Number(version.replace(/^v/, "").split(".")[0]);
    if (major >= 22) return undefined;
    const message =
        `org-access needs Node.js 22 or later, and this is ${version}\n` +
        "run it as npx org-access (or npm run ...) in the project's folder after npm ci: both " +
        "use the project's own Node.js 22 (the devDependency node)";
    const end = argv.indexOf("--");
    const json = (end < 0 ? argv : argv.slice(0, end)).includes("--json");
    const document = { error: { message, exitCode: 2, problems: [] } };
    return {
        stderr: `error: ${message}\n`,
        stdout: json ? `${JSON.stringify(document, null, 2)}\n` : "",
        exitCode: 2,
    };
}

module.exports = { nodeVersionRefusal };

if (require.main === module) {
    const refusal = nodeVersionRefusal(process.version, process.argv.slice(2));
    if (refusal) {
        process.stderr.write(refusal.stderr);
        process.stdout.write(refusal.stdout);
        process.exit(refusal.exitCode);
    }
    require("../scripts/build.js").build();
    require("../dist/cli/main.js").run();
}
