#!/usr/bin/env node
// Transpiles the program, the plan and the pack to dist/ (JavaScript, no type-checking, no source
// maps), so the offline plan and the benchmark run as plain Node.js: under ts-node, every stack
// trace the Pulumi SDK captures is source-mapped, which made planning several times slower.
// Type-checking is `npm run typecheck`'s job.
"use strict";
const fs = require("fs");
const path = require("path");
const ts = require("typescript");

const root = path.resolve(__dirname, "..");
const out = path.join(root, "dist");
const SOURCES = [
    "index.ts",
    "components",
    "config",
    "evidence",
    "plan",
    "policypack",
    "stacks",
    "verify",
    "scripts",
];
const options = {
    module: ts.ModuleKind.CommonJS,
    target: ts.ScriptTarget.ES2022,
    esModuleInterop: true,
    resolveJsonModule: true,
};

function emit(file) {
    const rel = path.relative(root, file);
    const target = path.join(out, rel);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (file.endsWith(".json")) return fs.copyFileSync(file, target);
    const { outputText } = ts.transpileModule(fs.readFileSync(file, "utf8"), {
        compilerOptions: options,
        fileName: file,
    });
    fs.writeFileSync(target.replace(/\.ts$/, ".js"), outputText);
}

function walk(p) {
    const stat = fs.statSync(p);
    if (stat.isDirectory()) {
        for (const name of fs.readdirSync(p)) if (name !== "node_modules") walk(path.join(p, name));
    } else if (
        (p.endsWith(".ts") && !p.endsWith(".d.ts")) ||
        (p.endsWith(".json") && p.includes(`${path.sep}data${path.sep}`))
    ) {
        emit(p);
    }
}

fs.rmSync(out, { recursive: true, force: true });
for (const s of SOURCES) if (fs.existsSync(path.join(root, s))) walk(path.join(root, s));
