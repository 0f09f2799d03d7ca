import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { fail, projectName, stackOption, UsageError } from "../../cli/command";
import { paletteFor, useColour } from "../../cli/colour";
import { dispatchedCommand } from "../../cli/entry";
import { problemsOf } from "../../cli/exitCodes";
import { checkWritable } from "../../cli/files";
import { didYouMean, editDistance, nearest } from "../../cli/suggest";
import { count, verdictLine } from "../../cli/verdict";
import { ConfigError } from "../../config";
import { StacksNotPlannedError } from "../../plan/errors";
import { StackPlan } from "../../plan/offline";
import { planVerdict } from "../../plan/verdict";
import { PolicyConfigError } from "../../policypack/config";
import { checkVerdict } from "../../policypack/cli/check";
import { splitQualifiedStackName } from "../../stacks/names";

const PLAIN = paletteFor(undefined, {});
const TTY = { isTTY: true };

describe("the command line's helpers (cli/suggest, colour, files, verdict; stacks/names)", () => {
    it("suggests the nearest name within two edits, and nothing for another word", () => {
        assert.strictEqual(editDistance("stak", "stack"), 1);
        assert.strictEqual(editDistance("pln", "plan"), 1);
        assert.strictEqual(editDistance("", "abc"), 3);
        assert.strictEqual(editDistance("kitten", "sitting"), 3);
        assert.strictEqual(nearest("--stak", ["--json", "--stack"]), "--stack");
        assert.strictEqual(nearest("--jsno", ["--stack", "--json"]), "--json");
        assert.strictEqual(nearest("--STACK", ["--stack"]), "--stack");
        assert.strictEqual(nearest("--zzzzzz", ["--stack", "--json"]), undefined);
        // Two edits in a short name is another name, not a typo.
        assert.strictEqual(nearest("-x", ["-s"]), undefined);
        assert.strictEqual(didYouMean("chek", ["plan", "check"]), " (did you mean check?)");
        assert.strictEqual(didYouMean("deploy", ["plan", "check"]), "");
    });

    it("colours only a terminal, never with NO_COLOR or --json; FORCE_COLOR forces", () => {
        assert.strictEqual(useColour(TTY, {}), true);
        assert.strictEqual(useColour({ isTTY: false }, {}), false);
        assert.strictEqual(useColour({}, {}), false);
        assert.strictEqual(useColour(TTY, { NO_COLOR: "1" }), false);
        // https://no-color.org: an empty NO_COLOR does not count.
        assert.strictEqual(useColour(TTY, { NO_COLOR: "" }), true);
        assert.strictEqual(useColour(TTY, { TERM: "dumb" }), false);
        assert.strictEqual(useColour(TTY, {}, true), false);
        assert.strictEqual(useColour({}, { FORCE_COLOR: "1" }), true);
        assert.strictEqual(useColour(TTY, { FORCE_COLOR: "0" }), false);
        assert.strictEqual(useColour({}, { FORCE_COLOR: "1", NO_COLOR: "1" }), false);
        assert.strictEqual(useColour({}, { FORCE_COLOR: "1" }, true), false);
        assert.strictEqual(paletteFor(TTY, {}).red("x"), "\x1b[31mx\x1b[39m");
        assert.strictEqual(paletteFor(TTY, { NO_COLOR: "1" }).red("x"), "x");
    });

    it("fail() colours the error on a terminal, and not with NO_COLOR", () => {
        const saved = { NO_COLOR: process.env.NO_COLOR, FORCE_COLOR: process.env.FORCE_COLOR };
        const write = (env: Record<string, string | undefined>) => {
            Object.assign(process.env, env);
            for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
            let err = "";
            const code = fail(new UsageError("no"), {
                out: { write: () => assert.fail("nothing on stdout without --json") },
                err: { isTTY: true, write: (s: string) => (err += s) } as never,
            });
            assert.strictEqual(code, 2);
            return err;
        };
        try {
            assert.strictEqual(
                write({ NO_COLOR: undefined, FORCE_COLOR: undefined }),
                "\x1b[31merror:\x1b[39m no\n",
            );
            assert.strictEqual(write({ NO_COLOR: "1" }), "error: no\n");
        } finally {
            for (const [k, v] of Object.entries(saved))
                if (v === undefined) delete process.env[k];
                else process.env[k] = v;
        }
    });

    it("refuses an output path that cannot be written, and writes nothing to check one", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "org-access-files-"));
        assert.throws(
            () => checkWritable(path.join(dir, "no", "r.md"), "--report"),
            (e: unknown) =>
                e instanceof UsageError &&
                e.message ===
                    `--report ${path.join(dir, "no", "r.md")}: the folder ${path.join(dir, "no")} does not exist (create it first: mkdir -p ${path.join(dir, "no")})`,
        );
        assert.throws(
            () => checkWritable(dir, "--report"),
            /^UsageError: --report .*: is a folder/,
        );
        const notFolder = path.join(dir, "file");
        fs.writeFileSync(notFolder, "kept");
        const before = fs.statSync(notFolder).mtimeMs;
        assert.throws(
            () => checkWritable(path.join(notFolder, "r.md"), "--write-policy-config"),
            /^UsageError: --write-policy-config .*: .*file is not a folder/,
        );
        // A new file in a folder, and an existing file: accepted, nothing created or changed.
        checkWritable(path.join(dir, "new.md"), "--report");
        checkWritable(notFolder, "--report");
        assert.deepStrictEqual(fs.readdirSync(dir), ["file"]);
        assert.strictEqual(fs.readFileSync(notFolder, "utf8"), "kept");
        assert.strictEqual(fs.statSync(notFolder).mtimeMs, before);
    });

    it("refuses a read-only file or folder (not as root, whom permissions do not stop)", function () {
        if (process.getuid?.() === 0) this.skip();
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "org-access-ro-"));
        const file = path.join(dir, "r.md");
        fs.writeFileSync(file, "");
        fs.chmodSync(file, 0o444);
        fs.chmodSync(dir, 0o555);
        try {
            assert.throws(() => checkWritable(file, "--report"), /cannot be written \(EACCES\)/);
            assert.throws(
                () => checkWritable(path.join(dir, "new.md"), "--report"),
                /cannot be written \(EACCES\)/,
            );
        } finally {
            fs.chmodSync(dir, 0o755);
        }
    });

    it("reads stack names as pulumi --stack does: stack, org/stack, org/project/stack", () => {
        assert.deepStrictEqual(splitQualifiedStackName("workload"), { stack: "workload" });
        assert.deepStrictEqual(splitQualifiedStackName("acme/workload"), {
            org: "acme",
            stack: "workload",
        });
        assert.deepStrictEqual(splitQualifiedStackName("acme/proj/workload-2"), {
            org: "acme",
            project: "proj",
            stack: "workload-2",
        });
        for (const bad of ["a/b/c/d", "/workload", "acme/", "a//b", ""])
            assert.strictEqual(splitQualifiedStackName(bad), undefined, bad);
        const project = () => "my-access";
        assert.deepStrictEqual(
            stackOption("acme/my-access/workload-eu", undefined, undefined, project),
            {
                name: "workload-eu",
                kind: "workload",
                shard: "eu",
            },
        );
        assert.throws(
            () => stackOption("acme/org-access/workload", undefined, undefined, project),
            (e: unknown) =>
                e instanceof UsageError &&
                e.message ===
                    `--stack acme/org-access/workload names the project "org-access", but Pulumi.yaml names this project "my-access" (use acme/my-access/workload, or workload)`,
        );
        assert.throws(
            () => stackOption("a/b/c/d", undefined, undefined, project),
            /^UsageError: --stack must be a stack name, org\/stack or org\/project\/stack, not "a\/b\/c\/d"$/,
        );
        assert.throws(
            () => stackOption("acme/prod", ["workload"], undefined, project),
            /^UsageError: --stack must be workload or workload-<shard>, not "prod"$/,
        );
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "org-access-project-"));
        fs.writeFileSync(path.join(root, "Pulumi.yaml"), "name: renamed\nruntime: nodejs\n");
        assert.strictEqual(projectName(root), "renamed");
    });

    it("knows when the dispatcher is the program, and its command", () => {
        const bin = path.join("/x", "bin", "org-access.js");
        assert.strictEqual(dispatchedCommand(bin, ["node", bin]), "plan");
        assert.strictEqual(dispatchedCommand(bin, ["node", bin, "--json"]), "plan");
        assert.strictEqual(dispatchedCommand(bin, ["node", bin, "check", "-"]), "check");
        assert.strictEqual(
            dispatchedCommand("/x/plan/cli.js", ["node", "/x/plan/cli.js"]),
            undefined,
        );
        assert.strictEqual(dispatchedCommand(undefined, []), undefined);
    });

    it("lists an error's problems key by key for --json", () => {
        const config = new ConfigError("workload", [
            {
                path: "workloadAccounts[0].accountId",
                message: "must be 12 digits",
                fix: "pulumi config set ...",
            },
            { path: "aws:region", message: "is not a region" },
        ]);
        assert.deepStrictEqual(problemsOf(config), [
            {
                key: "org-access:workloadAccounts[0].accountId",
                message: "must be 12 digits",
                fix: "pulumi config set ...",
            },
            { key: "aws:region", message: "is not a region" },
        ]);
        assert.deepStrictEqual(
            problemsOf(
                new PolicyConfigError([
                    "iam-role-session-cap.maxSessionSeconds: must be >= 900",
                    "odd",
                ]),
            ),
            [
                { key: "iam-role-session-cap.maxSessionSeconds", message: "must be >= 900" },
                { message: "odd" },
            ],
        );
        // From the workers: each stack's problems, else the stack and its message.
        assert.deepStrictEqual(
            problemsOf(
                new StacksNotPlannedError([
                    {
                        stack: "workload-a",
                        code: 2,
                        message: "m",
                        problems: [{ key: "k", message: "bad" }],
                    },
                    { stack: "workload-b", code: 1, message: "crashed" },
                ]),
            ),
            [
                { key: "k", message: "bad" },
                { key: "workload-b", message: "crashed" },
            ],
        );
        assert.deepStrictEqual(problemsOf(new Error("x")), []);
    });

    it("says the verdict with exact counts: ok, or what failed", () => {
        assert.strictEqual(count(1, "stack"), "1 stack");
        assert.strictEqual(count(3, "stack"), "3 stacks");
        assert.strictEqual(verdictLine(true, ["a", "b"], PLAIN), "ok: a, b");
        assert.strictEqual(
            verdictLine(false, ["a"], paletteFor(TTY, {})),
            "\x1b[31mfailed\x1b[39m: a",
        );
        const evidence = (ok: number, bad: number) => [
            ...Array.from({ length: ok }, () => ({ expected: "allow", simulated: "allow" })),
            ...Array.from({ length: bad }, () => ({ expected: "deny", simulated: "allow" })),
        ];
        const proofs = (ok: number, failing: string[]) => [
            ...Array.from({ length: ok }, (_, i) => ({ id: `p${i}`, holds: true })),
            ...failing.map((id) => ({ id, holds: false })),
        ];
        const plan = (e: unknown[], p: unknown[], levels: string[] = []) =>
            ({
                evidence: e,
                proofs: p,
                violations: levels.map((enforcementLevel) => ({ enforcementLevel })),
            }) as unknown as StackPlan;
        assert.strictEqual(
            planVerdict(
                [
                    plan(evidence(20, 0), proofs(4, [])),
                    plan(evidence(40, 0), proofs(4, [])),
                    plan(evidence(0, 0), proofs(0, [])),
                ],
                0,
                PLAIN,
            ),
            "ok: 3 stacks, 0 violations, 60/60 scenarios, 8/8 proofs",
        );
        assert.strictEqual(
            planVerdict([plan(evidence(59, 1), proofs(8, []), ["mandatory"])], 0, PLAIN),
            "failed: 1 stack, 1 mandatory violation, 59/60 scenarios, 8/8 proofs",
        );
        assert.strictEqual(
            planVerdict(
                [
                    plan(evidence(2, 0), proofs(6, ["logs-immutable", "humans-need-mfa"]), [
                        "advisory",
                    ]),
                ],
                2,
                PLAIN,
            ),
            "failed: 1 stack, 0 mandatory violations (1 advisory), 2/2 scenarios, 6/8 proofs (logs-immutable, humans-need-mfa do not hold), 2 roles deleted and created again",
        );
        // Advisory violations alone do not fail the plan.
        assert.strictEqual(
            planVerdict([plan(evidence(1, 0), proofs(1, []), ["advisory", "advisory"])], 0, PLAIN),
            "ok: 1 stack, 0 mandatory violations (2 advisory), 1/1 scenarios, 1/1 proofs",
        );
        const v = (enforcementLevel: string) => ({ enforcementLevel }) as never;
        assert.strictEqual(
            checkVerdict([], 120, PLAIN),
            "ok: 120 resources, 0 mandatory violations",
        );
        assert.strictEqual(
            checkVerdict([v("mandatory"), v("advisory")], 1, PLAIN),
            "failed: 1 resource, 1 mandatory violation (1 advisory)",
        );
    });
});
