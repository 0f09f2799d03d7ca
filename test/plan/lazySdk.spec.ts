import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");

/**
 * Runs `entry` as the program, with a probe loaded before it that reports, once the entry has
 * loaded, which of the SDK's deferred modules are loaded, then calls each deferred function.
 */
function probe(entry: string): Record<string, unknown> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "org-access-lazy-"));
    const file = path.join(dir, "probe.js");
    fs.writeFileSync(
        file,
        `
const loaded = (part) => Object.keys(require.cache).some((k) => k.includes(part));
setImmediate(async () => {
    const out = {
        arboristAtStart: loaded("@npmcli/arborist"),
        automationAtStart: loaded("automation/localWorkspace"),
        serializeAtStart: loaded("closure/createClosure"),
    };
    const pulumi = require(${JSON.stringify(require.resolve("@pulumi/pulumi"))});
    out.localWorkspace = typeof pulumi.automation.LocalWorkspace;
    out.serialized = (await pulumi.runtime.serializeFunction(() => 4242)).text.includes("4242");
    out.codePaths = (await pulumi.runtime.computeCodePaths({ extraIncludePackages: [] }).catch((e) => e)) !== undefined;
    out.arboristAfter = loaded("@npmcli/arborist");
    process.stdout.write(JSON.stringify(out));
    process.exit(0);
});
`,
    );
    const text = execFileSync(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", "-r", file, entry],
        { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    );
    return JSON.parse(text) as Record<string, unknown>;
}

describe("the plan's processes defer the SDK modules the plan never calls", () => {
    it("a worker starts without the automation API, closure serialization or arborist, and each still works when called", () => {
        const seen = probe(path.join("plan", "worker.ts"));
        assert.deepStrictEqual(seen, {
            arboristAtStart: false,
            automationAtStart: false,
            serializeAtStart: false,
            localWorkspace: "function",
            serialized: true,
            codePaths: true,
            arboristAfter: true,
        });
    });

    it("another program importing the plan's modules loads the SDK as it is", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "org-access-lazy-"));
        const entry = path.join(dir, "main.js");
        fs.writeFileSync(
            entry,
            `require(${JSON.stringify(path.join(ROOT, "plan", "worker.ts"))});\n`,
        );
        const seen = probe(entry);
        assert.strictEqual(seen.arboristAtStart, true);
        assert.strictEqual(seen.automationAtStart, true);
    });
});
