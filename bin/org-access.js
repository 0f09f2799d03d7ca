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

const major = Number(process.versions.node.split(".")[0]);
if (major < 22) {
    process.stderr.write(
        `error: org-access needs Node.js 22 or later, and this is ${process.version}\n` +
            "run it as npx org-access (or npm run ...) in the project's folder after npm ci: both " +
            "use the project's own Node.js 22 (the devDependency node)\n",
    );
    process.exit(2);
}

require("../scripts/build.js").build();
require("../dist/cli/main.js").run();
