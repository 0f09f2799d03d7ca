import * as assert from "assert";
import * as child from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectName, UsageError } from "../../cli/command";
import { COMMANDS, main, USAGE, version } from "../../cli/main";
import * as planCli from "../../plan/cli";
import * as verifyCli from "../../verify/cli";
import { PROJECT_ROOT } from "../../config/stackFile";
import * as account from "../../scripts/account";
import * as updateActionLevels from "../../scripts/update-action-levels";
import * as updateDataReads from "../../scripts/update-data-reads";
import * as updateManagedPolicies from "../../scripts/update-managed-policies";
import * as updatePassroleConsumers from "../../scripts/update-passrole-consumers";
import * as updatePolicyTypes from "../../scripts/update-policy-types";
import { capture, projectWith, workloadValues } from "../helpers";

/** The calls that write, create or remove files: a --help that reaches one fails the test. */
const WRITERS = [
    "writeFileSync",
    "appendFileSync",
    "mkdirSync",
    "mkdtempSync",
    "rmSync",
    "unlinkSync",
    "renameSync",
    "copyFileSync",
    "openSync",
    "writeFile",
    "appendFile",
    "mkdir",
    "rm",
] as const;

/** Runs `f` with every fs writer replaced by one that throws (and records the attempt). */
async function withoutWrites<T>(f: () => T | Promise<T>): Promise<{ result: T; writes: string[] }> {
    const writes: string[] = [];
    // The module object itself: `import * as fs` is a view of it whose properties are getters.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fsAny = require("fs") as Record<string, unknown>;
    const saved = WRITERS.map((name) => [name, fsAny[name]] as const);
    for (const name of WRITERS)
        fsAny[name] = (...args: unknown[]) => {
            writes.push(`${name}(${String(args[0])})`);
            throw new Error(`--help must not call fs.${name}`);
        };
    try {
        return { result: await f(), writes };
    } finally {
        for (const [name, original] of saved) fsAny[name] = original;
    }
}

describe("npx org-access (cli/main.ts, bin/org-access.js)", () => {
    it("--help lists every command and exits 0; help COMMAND and COMMAND --help print that command's help", async () => {
        const top = capture();
        assert.strictEqual(await main(["--help"], top.io), 0);
        assert.strictEqual(top.c.out, `${USAGE}\n`);
        for (const name of [...Object.keys(COMMANDS), "help", "version"])
            assert.match(top.c.out, new RegExp(`^  ${name} +\\S`, "m"), name);
        const byHelp = capture();
        assert.strictEqual(await main(["help", "check"], byHelp.io), 0);
        const byOption = capture();
        assert.strictEqual(await main(["check", "--help"], byOption.io), 0);
        assert.strictEqual(byHelp.c.out, byOption.c.out);
        assert.match(byHelp.c.out, /^usage: npx org-access check /);
        const nested = capture();
        assert.strictEqual(await main(["help", "bench", "policy"], nested.io), 0);
        assert.match(nested.c.out, /^usage: npx org-access bench policy /);
    });

    it("every command's --help exits 0, says npx org-access, and writes nothing", async () => {
        const cases: Array<[string[], RegExp]> = [
            [["--help"], /^usage: npx org-access \[COMMAND\]/],
            [["plan", "--help"], /^usage: npx org-access \[plan\] /],
            [["--stack", "workload", "--help"], /^usage: npx org-access \[plan\] /],
            [["check", "--help"], /^usage: npx org-access check /],
            [["verify", "--help"], /^usage: npx org-access verify /],
            [["verify", "-h"], /^usage: npx org-access verify /],
            [["account", "--help"], /^usage: npx org-access account add /],
            [["account", "add", "--help"], /^usage: npx org-access account add /],
            [["account", "remove", "--name", "x", "--help"], /^usage: npx org-access account add /],
            [["account", "import", "--help"], /^usage: npx org-access account add /],
            [["stacks", "--help"], /^usage: npx org-access stacks /],
            [["bench", "--help"], /^usage: npx org-access bench \[/],
            [["bench", "policy", "--help"], /^usage: npx org-access bench policy /],
        ];
        for (const [argv, usage] of cases) {
            const { c, io } = capture();
            const { result, writes } = await withoutWrites(() => main(argv, io));
            assert.deepStrictEqual(writes, [], argv.join(" "));
            assert.strictEqual(result, 0, `${argv.join(" ")}: ${c.err}`);
            assert.match(c.out, usage, argv.join(" "));
            assert.doesNotMatch(
                c.out,
                /npm start -- (?!ARGS)|npm run [a-z:]+ -- (?!ARGS)/,
                argv.join(" "),
            );
            assert.strictEqual(c.err, "", argv.join(" "));
        }
        // The maintainers' generators, not commands of npx org-access: their own npm scripts.
        for (const [name, module] of [
            ["update:action-levels", updateActionLevels],
            ["update:data-reads", updateDataReads],
            ["update:managed-policies", updateManagedPolicies],
            ["update:passrole-consumers", updatePassroleConsumers],
            ["update:policy-types", updatePolicyTypes],
        ] as const) {
            const { c, io } = capture();
            const { result, writes } = await withoutWrites(() => module.main(["--help"], io));
            assert.deepStrictEqual(writes, [], name);
            assert.strictEqual(result, 0, name);
            assert.match(c.out, new RegExp(`^usage: npm run ${name}\\n`));
        }
    });

    it("--version and version print package.json's version", async () => {
        const expected = JSON.parse(
            fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8"),
        ).version;
        assert.match(expected, /^\d+\.\d+\.\d+/);
        assert.strictEqual(version(), expected);
        for (const argv of [["--version"], ["version"]]) {
            const { c, io } = capture();
            assert.strictEqual(await main(argv, io), 0);
            assert.strictEqual(c.out, `${expected}\n`);
        }
    });

    it("a mistyped command gets a did-you-mean, the short usage and exit 2; --json makes it JSON", async () => {
        const { c, io } = capture();
        assert.strictEqual(await main(["pln", "--stack", "workload"], io), 2);
        assert.strictEqual(
            c.err,
            `error: unknown command "pln" (did you mean plan?)\nusage: npx org-access [COMMAND] [OPTIONS]\nrun 'npx org-access --help' for the commands\n`,
        );
        assert.strictEqual(c.out, "");
        const far = capture();
        assert.strictEqual(await main(["deploy"], far.io), 2);
        assert.match(far.c.err, /^error: unknown command "deploy"\n/);
        const json = capture();
        assert.strictEqual(await main(["chek", "--json"], json.io), 2);
        assert.deepStrictEqual(JSON.parse(json.c.out), {
            error: {
                message: 'unknown command "chek" (did you mean check?)',
                exitCode: 2,
                problems: [],
            },
        });
    });

    it("a mistyped bench subcommand gets a did-you-mean; another argument stays bench's own error", async () => {
        const { c, io } = capture();
        assert.strictEqual(await main(["bench", "polcy"], io), 2);
        assert.strictEqual(
            c.err,
            `error: unknown bench command "polcy" (did you mean policy?)\nusage: npx org-access bench [--organization]\nrun 'npx org-access bench --help' for the options\n`,
        );
        const far = capture();
        assert.strictEqual(await main(["bench", "everything"], far.io), 2);
        assert.match(far.c.err, /^error: unexpected argument "everything"\n/);
    });

    it("a mistyped option gets a did-you-mean and the command's short usage, not its whole help", async () => {
        const { c, io } = capture();
        assert.strictEqual(await main(["plan", "--stak", "workload"], io), 2);
        const [first, second, third, ...rest] = c.err.split("\n");
        assert.strictEqual(first, "error: unknown option --stak (did you mean --stack?)");
        assert.match(second, /^usage: npx org-access \[plan\] \[-s STACK\] /);
        assert.strictEqual(third, "run 'npx org-access plan --help' for the options");
        assert.deepStrictEqual(rest, [""]);
        const account2 = capture();
        assert.strictEqual(
            await main(["account", "add", "--nmae", "x", "--id", "123456789012"], account2.io),
            2,
        );
        assert.match(account2.c.err, /^error: unknown option --nmae \(did you mean --name\?\)\n/);
        assert.match(account2.c.err, /\nrun 'npx org-access account --help' for the options\n$/);
    });

    it("-s is --stack, and a stack may be named org/stack or org/project/stack as pulumi takes it", () => {
        const project = projectName();
        const stacks = (argv: string[]) => (planCli.parseArgs(argv) as planCli.CliOptions).stacks;
        assert.deepStrictEqual(stacks(["-s", "workload"]), ["workload"]);
        assert.deepStrictEqual(stacks(["-s", "acme/workload-eu"]), ["workload-eu"]);
        assert.deepStrictEqual(stacks(["--stack", `acme/${project}/security`]), ["security"]);
        assert.throws(
            () => planCli.parseArgs(["-s", "acme/other-project/workload"]),
            (e: unknown) =>
                e instanceof UsageError &&
                e.message.startsWith(
                    `--stack acme/other-project/workload names the project "other-project", but Pulumi.yaml names this project "${project}"`,
                ),
        );
        const verify = verifyCli.parseArgs(["-s", `acme/${project}/workload-2`]);
        assert.strictEqual((verify as verifyCli.VerifyCliOptions).stack, "workload-2");
        assert.deepStrictEqual(
            account.command.parse([
                "add",
                "--name",
                "x",
                "--id",
                "123456789012",
                "-s",
                "o/workload",
            ]),
            { action: "add", name: "x", accountId: "123456789012", stack: "workload" },
        );
    });

    it("--json: stdout is one JSON document, an input error too, with the problems key by key", async () => {
        const root = projectWith({
            workload: workloadValues({
                workloadAccounts: [
                    { name: "prod", accountId: "7777" },
                    { name: "staging", accountId: "555555555555" },
                ],
            }),
        });
        const file = path.join(root, "Pulumi.workload.yaml");
        const { c, io } = capture();
        const code = await main(["plan", "-s", "workload", "--config-file", file, "--json"], io);
        assert.strictEqual(code, 2, c.err);
        const parsed = JSON.parse(c.out);
        assert.deepStrictEqual(Object.keys(parsed), ["error"]);
        assert.strictEqual(parsed.error.exitCode, 2);
        assert.match(parsed.error.message, /^invalid configuration for stack "workload"/);
        assert.deepStrictEqual(
            parsed.error.problems.map((p: { key: string }) => p.key),
            ["org-access:workloadAccounts[0].accountId"],
        );
        assert.match(parsed.error.problems[0].message, /12 digits/);
        assert.match(parsed.error.problems[0].fix, /pulumi config set --path/);
        // The person at the terminal still reads the message on stderr.
        assert.match(c.err, /^invalid configuration for stack "workload"/);
    });

    it("check --json: a bad pack config is JSON on stdout, each setting a problem", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "org-access-check-"));
        const config = path.join(dir, "config.json");
        fs.writeFileSync(
            config,
            JSON.stringify({ "iam-role-session-cap": { maxSessionSeconds: 1, bogus: 2 } }),
        );
        const input = path.join(dir, "input.json");
        fs.writeFileSync(input, JSON.stringify({ resources: [] }));
        const { c, io } = capture();
        assert.strictEqual(await main(["check", "--json", "--config", config, input], io), 2);
        const { error } = JSON.parse(c.out);
        assert.strictEqual(error.exitCode, 2);
        assert.match(error.message, /^invalid policy pack configuration:/);
        assert.deepStrictEqual(error.problems.map((p: { key: string }) => p.key).sort(), [
            "iam-role-session-cap.bogus",
            "iam-role-session-cap.maxSessionSeconds",
        ]);
        assert.match(c.err, /^invalid policy pack configuration:/);
        // Without --json: the findings, then the verdict as the last line.
        const text = capture();
        assert.strictEqual(await main(["check", input], text.io), 0);
        assert.strictEqual(
            text.c.out.trimEnd().split("\n").at(-1),
            "ok: 0 resources, 0 mandatory violations",
        );
    });

    it("refuses a --report path it cannot write with exit 2, before planning", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "org-access-report-"));
        // An invalid stack file: planning would fail on it with its own message first.
        const root = projectWith({ workload: workloadValues({ securityAccountId: "1" }) });
        const file = path.join(root, "Pulumi.workload.yaml");
        // A folder is a place for dated reports (evidence/reportFile.ts), so a folder that is a file is refused.
        const plain = path.join(dir, "plain.txt");
        fs.writeFileSync(plain, "");
        for (const [report, why] of [
            [path.join(dir, "missing", "r.md"), /the folder .*missing does not exist/],
            [`${plain}/`, /.*plain\.txt is not a folder/],
            // A new name without an extension: a folder meant without its /, or a file? Neither is guessed.
            [
                path.join(dir, "reports"),
                /no such file or folder, and the name has no extension \(end it with \/ for a folder of dated reports/,
            ],
        ] as const) {
            const { c, io } = capture();
            const argv = ["-s", "workload", "--config-file", file, "--report", report];
            assert.strictEqual(await main(argv, io), 2);
            assert.match(
                c.err,
                new RegExp(`^error: --report ${report.replace(/[/.]/g, "\\$&")}: ${why.source}`),
            );
            assert.doesNotMatch(c.err, /invalid configuration/);
            assert.strictEqual(c.out, "");
        }
        assert.deepStrictEqual(fs.readdirSync(dir), ["plain.txt"]);
        const policy = capture();
        assert.strictEqual(
            await main(
                ["-s", "workload", "--config-file", file, "--write-policy-config", dir],
                policy.io,
            ),
            2,
        );
        assert.match(policy.c.err, /^error: --write-policy-config .*: is a folder/);
    });

    it("ends with the verdict line on stdout, with the plan's own counts, not under --json", async () => {
        // Without a security stack to trust, the humans' roles fail proofs: a failed verdict.
        const root = projectWith({ workload: workloadValues() });
        const file = path.join(root, "Pulumi.workload.yaml");
        const json = capture();
        const code = await main(["-s", "workload", "--config-file", file, "--json"], json.io);
        const plan = JSON.parse(json.c.out);
        const text = capture();
        assert.strictEqual(await main(["-s", "workload", "--config-file", file], text.io), code);
        const scenarios = plan.evidence.length;
        const mismatched = plan.evidence.filter(
            (e: { expected: string; simulated: string }) => e.expected !== e.simulated,
        ).length;
        const unproved = plan.proofs.filter((p: { holds: boolean }) => !p.holds);
        const mandatory = plan.violations.filter(
            (v: { enforcementLevel: string }) => v.enforcementLevel === "mandatory",
        ).length;
        assert.ok(scenarios > 0 && plan.proofs.length > 0);
        assert.deepStrictEqual(plan.violations, []);
        const expected = [
            code === 0 ? "ok" : "failed",
            ": 1 stack, 0 violations",
            `, ${scenarios - mismatched}/${scenarios} scenarios`,
            `, ${plan.proofs.length - unproved.length}/${plan.proofs.length} proofs`,
            unproved.length > 0
                ? ` (${unproved.map((p: { id: string }) => p.id).join(", ")} do not hold)`
                : "",
        ].join("");
        assert.strictEqual(text.c.out.trimEnd().split("\n").at(-1), expected);
        assert.strictEqual(code, unproved.length + mismatched + mandatory > 0 ? 1 : 0);
        // Under --json the verdict is the JSON's; stderr keeps the human lines.
        assert.doesNotMatch(json.c.out, /^(ok|failed): /m);
        // Not coloured: the sink is not a terminal.
        assert.doesNotMatch(text.c.out, /\x1b\[/);
    });

    it("the bin refuses a Node.js older than 22 (exit 2), as a JSON error document under --json", () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { nodeVersionRefusal } = require("../../bin/org-access.js") as {
            nodeVersionRefusal: (
                version: string,
                argv: string[],
            ) => { stderr: string; stdout: string; exitCode: number } | undefined;
        };
        assert.strictEqual(nodeVersionRefusal("v22.0.0", ["--json"]), undefined);
        const text = nodeVersionRefusal("v20.11.1", ["plan"])!;
        assert.strictEqual(text.exitCode, 2);
        assert.match(
            text.stderr,
            /^error: org-access needs Node\.js 22 or later, and this is v20\.11\.1\n/,
        );
        assert.strictEqual(text.stdout, "");
        const json = nodeVersionRefusal("v20.11.1", ["plan", "--json"])!;
        assert.strictEqual(json.stderr, text.stderr);
        assert.deepStrictEqual(JSON.parse(json.stdout), {
            error: {
                message: text.stderr.replace(/^error: /, "").trimEnd(),
                exitCode: 2,
                problems: [],
            },
        });
        // After `--`, --json is a positional of the command, not the output format.
        assert.strictEqual(nodeVersionRefusal("v20.11.1", ["check", "--", "--json"])!.stdout, "");
    });

    it("through the real bin: a closed pipe ends quietly with the command's exit code", async function () {
        this.timeout(120000);
        const root = projectWith({ workload: workloadValues() });
        const file = path.join(root, "Pulumi.workload.yaml");
        const bin = path.join(PROJECT_ROOT, "bin", "org-access.js");
        // --json is far larger than a pipe's buffer: the plan still writes after head has gone.
        const r = child.spawnSync(
            "bash",
            [
                "-c",
                `set -o pipefail; "${process.execPath}" "${bin}" -s workload --config-file "${file}" --json | head -c 1`,
            ],
            {
                encoding: "utf8",
                env: {
                    ...process.env,
                    PATH: `${path.dirname(process.execPath)}:${process.env.PATH}`,
                },
            },
        );
        assert.strictEqual(r.stdout, "{");
        assert.doesNotMatch(r.stderr, /EPIPE|Error|\n\s+at /);
        // The plan's own exit code (this fixture's proofs fail: 1), carried through pipefail.
        const inProcess = capture();
        const code = await main(["-s", "workload", "--config-file", file, "--json"], inProcess.io);
        assert.strictEqual(r.status, code, r.stderr);
        const version = child.spawnSync(process.execPath, [bin, "--version"], { encoding: "utf8" });
        assert.strictEqual(version.status, 0, version.stderr);
        assert.match(version.stdout, /^\d+\.\d+\.\d+\S*\n$/);
        assert.strictEqual(version.stderr, "");
    });
});
