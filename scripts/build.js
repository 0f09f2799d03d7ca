#!/usr/bin/env node
// Transpiles the program, the plan, the pack and every command to dist/ (JavaScript, no
// type-checking, no source maps): every npm script runs the built JavaScript as plain Node.js.
// Under ts-node, every stack trace the Pulumi SDK captures is source-mapped, which made planning
// several times slower. Type-checking is `npm run typecheck`'s job.
//
// Incremental: a file is transpiled again only when its source is newer than its output, and
// outputs whose source is gone are deleted, so `npm start` after a small edit costs little more
// than loading TypeScript. `node scripts/build.js --clean` rebuilds everything. bin/org-access.js
// (`npx org-access`) calls build() before every command, so a fresh clone needs no build step.
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const out = path.join(root, "dist");
const SOURCES = [
    "index.ts",
    "cli",
    "components",
    "config",
    "evidence",
    "plan",
    "policypack",
    "stacks",
    "verify",
    "scripts",
];
/** Loaded only when something is to be transpiled: loading TypeScript is most of a no-op build. */
let ts;
const compilerOptions = () => ({
    module: ts.ModuleKind.CommonJS,
    target: ts.ScriptTarget.ES2022,
    esModuleInterop: true,
    resolveJsonModule: true,
});

/** Source file -> output file, for every file to build. */
function sources() {
    const files = new Map();
    const walk = (p) => {
        const stat = fs.statSync(p);
        if (stat.isDirectory()) {
            for (const name of fs.readdirSync(p))
                if (name !== "node_modules") walk(path.join(p, name));
        } else if (p.endsWith(".ts") && !p.endsWith(".d.ts")) {
            files.set(p, path.join(out, path.relative(root, p)).replace(/\.ts$/, ".js"));
        } else if (p.endsWith(".json") && p.includes(`${path.sep}data${path.sep}`)) {
            files.set(p, path.join(out, path.relative(root, p)));
        }
    };
    for (const s of SOURCES) if (fs.existsSync(path.join(root, s))) walk(path.join(root, s));
    return files;
}

/** Every file under dist/. */
function outputs(dir, found = []) {
    if (!fs.existsSync(dir)) return found;
    for (const name of fs.readdirSync(dir)) {
        const p = path.join(dir, name);
        if (fs.statSync(p).isDirectory()) outputs(p, found);
        else found.push(p);
    }
    return found;
}

/** Brings dist/ up to date with the sources; `clean`: from scratch. */
function build(clean = false) {
    if (clean) fs.rmSync(out, { recursive: true, force: true });
    const files = sources();
    const wanted = new Set(files.values());
    for (const file of outputs(out)) if (!wanted.has(file)) fs.rmSync(file);
    // Outputs older than this script were built with other options: build them again.
    const self = fs.statSync(__filename).mtimeMs;
    for (const [source, target] of files) {
        const built = fs.existsSync(target) ? fs.statSync(target).mtimeMs : -1;
        if (built >= fs.statSync(source).mtimeMs && built >= self) continue;
        fs.mkdirSync(path.dirname(target), { recursive: true });
        if (source.endsWith(".json")) {
            fs.copyFileSync(source, target);
            continue;
        }
        ts = ts ?? require("typescript");
        const { outputText } = ts.transpileModule(fs.readFileSync(source, "utf8"), {
            compilerOptions: compilerOptions(),
            fileName: source,
        });
        fs.writeFileSync(target, outputText);
    }
}

module.exports = { build };

if (require.main === module) build(process.argv.includes("--clean"));
