import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main, MATRIX_JOB_LIMIT, MAX_CI_STACK_NAME } from "../../scripts/stacks";
import { readProjectStacks, StackFilesError } from "../../stacks/stackFiles";
import { capture } from "../helpers";

const made: string[] = [];

/** A project folder of its own: Pulumi.yaml, and each stack file given, by stack name. */
function project(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "org-access-stacks-"));
    made.push(dir);
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: org-access\nruntime: nodejs\n");
    for (const [stack, text] of Object.entries(files))
        fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), text);
    return dir;
}

/** A security stack file; `stacks` is the YAML of org-access:workloadStacks, absent when undefined. */
const security = (stacks?: string) =>
    `config:\n  aws:region: us-east-1\n${stacks === undefined ? "" : `  org-access:workloadStacks: ${stacks}\n`}`;
const WORKLOAD = "config:\n  aws:region: us-east-1\n";

/** The contents and modification times of every file, to show the command wrote nothing. */
const snapshot = (dir: string) =>
    fs
        .readdirSync(dir)
        .sort()
        .map((f) => [
            f,
            fs.readFileSync(path.join(dir, f), "utf8"),
            fs.statSync(path.join(dir, f)).mtimeMs,
        ]);

function run(dir: string, ...argv: string[]) {
    const { c, io } = capture();
    const before = snapshot(dir);
    const code = main(argv, io, dir);
    assert.deepStrictEqual(snapshot(dir), before, "the command wrote nothing");
    return { code, ...c };
}

describe("npm run stacks (scripts/stacks.ts, stacks/stackFiles.ts)", () => {
    after(() => {
        for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("lists security, then the workload stacks in workloadStacks' order, from the files", () => {
        const dir = project({
            security: security("[workload-us, workload, workload-eu.1]"),
            workload: WORKLOAD,
            "workload-eu.1": WORKLOAD,
            "workload-us": WORKLOAD,
        });
        assert.deepStrictEqual(run(dir), {
            code: 0,
            out: "security\nworkload-us\nworkload\nworkload-eu.1\n",
            err: "",
        });
        assert.deepStrictEqual(
            run(dir, "--kind", "workload").out,
            "workload-us\nworkload\nworkload-eu.1\n",
        );
        assert.deepStrictEqual(run(dir, "--kind", "security").out, "security\n");
    });

    it("prints a GitHub Actions matrix on one line: every stack, or one kind", () => {
        const dir = project({
            security: security("[workload, workload-eu]"),
            workload: WORKLOAD,
            "workload-eu": WORKLOAD,
        });
        const all = run(dir, "--matrix");
        assert.strictEqual(all.code, 0);
        assert.strictEqual(all.out, '{"stack":["security","workload","workload-eu"]}\n');
        assert.deepStrictEqual(JSON.parse(run(dir, "--matrix", "--kind", "workload").out), {
            stack: ["workload", "workload-eu"],
        });
    });

    it("takes workloadStacks' default, [workload], when the key is absent", () => {
        const dir = project({ security: security(), workload: WORKLOAD });
        assert.deepStrictEqual(readProjectStacks(dir), {
            security: "security",
            workload: ["workload"],
        });
        // The default lists workload only: a shard file beside it is not reachable.
        fs.writeFileSync(path.join(dir, "Pulumi.workload-eu.yaml"), WORKLOAD);
        assert.throws(
            () => readProjectStacks(dir),
            (e: unknown) =>
                e instanceof StackFilesError &&
                e.problems.length === 1 &&
                e.problems[0].includes("set org-access:workloadStacks: [workload, workload-eu]"),
        );
    });

    it("refuses a shard file that workloadStacks does not list (exit 2), and gives the whole list to set", () => {
        const dir = project({
            security: security("[workload]"),
            workload: WORKLOAD,
            "workload-eu": WORKLOAD,
            "workload-us": WORKLOAD,
        });
        const r = run(dir, "--matrix");
        assert.strictEqual(r.code, 2);
        assert.strictEqual(r.out, "");
        assert.strictEqual(
            r.err,
            [
                "error: the stack files do not make a valid set of stacks (2 problems):",
                `* Pulumi.workload-eu.yaml: stack "workload-eu" is not in the security stack's org-access:workloadStacks, so CI would deploy its roles but no group of the security account could assume them (set org-access:workloadStacks: [workload, workload-eu, workload-us] in Pulumi.security.yaml, or delete the file if the stack is retired)`,
                `* Pulumi.workload-us.yaml: stack "workload-us" is not in the security stack's org-access:workloadStacks, so CI would deploy its roles but no group of the security account could assume them (set org-access:workloadStacks: [workload, workload-eu, workload-us] in Pulumi.security.yaml, or delete the file if the stack is retired)`,
                "",
            ].join("\n"),
        );
    });

    it("refuses a listed stack without a file", () => {
        const dir = project({
            security: security("[workload, workload-eu]"),
            workload: WORKLOAD,
        });
        const r = run(dir);
        assert.strictEqual(r.code, 2);
        assert.strictEqual(
            r.err,
            `error: the stack files do not make a valid set of stacks (1 problem):\n* org-access:workloadStacks[1] in Pulumi.security.yaml: stack "workload-eu" has no Pulumi.workload-eu.yaml, so the security stack cannot read its accounts and CI would preview and deploy nothing for it (create it: pulumi stack init workload-eu (with --secrets-provider, as for the other stacks), then pulumi config set --stack workload-eu aws:region us-east-1, then set org-access:securityAccountId to the security account's id (pulumi config set --stack workload-eu org-access:securityAccountId and the id), then add accounts with npx org-access account add -s workload-eu and each account's --name and --id; or leave out -s and account add opens a shard file itself when the stacks are full; or remove "workload-eu" from org-access:workloadStacks)\n`,
        );
    });

    it("refuses stack files named outside the rule, a listed name that is no workload stack, a name listed twice, a missing security file: all at once", () => {
        const dir = project({
            workload: WORKLOAD,
            staging: WORKLOAD,
            "workload-": WORKLOAD,
        });
        const r = run(dir);
        assert.strictEqual(r.code, 2);
        assert.match(r.err, /\(3 problems\)/);
        assert.ok(
            r.err.includes(
                `* Pulumi.staging.yaml: unknown stack "staging": name it "security", "workload" or "workload-<shard>"; the program runs no other stack (rename the file, or delete it if it is not a stack of this project)`,
            ),
            r.err,
        );
        assert.ok(r.err.includes(`* Pulumi.workload-.yaml: unknown stack "workload-"`), r.err);
        assert.ok(r.err.includes("* Pulumi.security.yaml is missing:"), r.err);

        const listed = project({
            security: security("[workload, security, prod, workload]"),
            workload: WORKLOAD,
        });
        assert.deepStrictEqual(
            (() => {
                try {
                    readProjectStacks(listed);
                } catch (e) {
                    return (e as StackFilesError).problems;
                }
                return "accepted";
            })(),
            [
                `org-access:workloadStacks[1] in Pulumi.security.yaml: unknown stack "security": name it "workload" or "workload-<shard>"`,
                `org-access:workloadStacks[2] in Pulumi.security.yaml: unknown stack "prod": name it "workload" or "workload-<shard>"`,
                `org-access:workloadStacks[3] in Pulumi.security.yaml: "workload" is listed twice (remove one)`,
            ],
        );
    });

    it("reads workloadStacks with the program's schema, and an unreadable security file is a problem, not a crash", () => {
        const single = project({ security: security("workload"), workload: WORKLOAD });
        const r = run(single);
        assert.strictEqual(r.code, 2);
        assert.match(
            r.err,
            /\* org-access:workloadStacks in Pulumi\.security\.yaml: must be a list of stack names, not a single value\n$/,
        );
        const empty = project({ security: security("[]"), workload: WORKLOAD });
        assert.match(
            run(empty).err,
            /workloadStacks in Pulumi\.security\.yaml: must name at least one workload stack/,
        );
        const broken = project({ security: "config: [unclosed\n", workload: WORKLOAD });
        const b = run(broken);
        assert.strictEqual(b.code, 2);
        assert.match(b.err, /\* Pulumi\.security\.yaml is not valid YAML/);
    });

    it(`prints a matrix of at most ${MATRIX_JOB_LIMIT} stacks, GitHub's limit for one matrix, and refuses more with the fix`, () => {
        const shards = (n: number) => Array.from({ length: n }, (_, i) => `workload-s${i}`);
        const files = (n: number) =>
            project({
                security: security(`[${shards(n).join(", ")}]`),
                ...Object.fromEntries(shards(n).map((s) => [s, WORKLOAD])),
            });
        const fits = run(files(MATRIX_JOB_LIMIT - 1), "--matrix");
        assert.strictEqual(fits.code, 0, fits.err);
        assert.strictEqual(
            (JSON.parse(fits.out) as { stack: string[] }).stack.length,
            MATRIX_JOB_LIMIT,
        );
        const over = files(MATRIX_JOB_LIMIT);
        const r = run(over, "--matrix", "--kind", "workload");
        assert.strictEqual(r.code, 2);
        assert.strictEqual(r.out, "");
        assert.match(
            r.err,
            /^error: 257 stacks \(security and 256 workload stacks\), but GitHub Actions runs at most 256 jobs from one matrix in a workflow run, .*org-access:maxAccountsPerStack.*StackSet mode/,
        );
        // Listing them is no matrix: it still works.
        assert.strictEqual(run(over).code, 0);
    });

    it(`refuses, for CI, a stack name longer than ${MAX_CI_STACK_NAME} characters: its jobs' AWS session names would exceed STS's 64`, () => {
        const longest = `workload-${"a".repeat(MAX_CI_STACK_NAME - "workload-".length)}`;
        const tooLong = `${longest}b`;
        const dir = project({
            security: security(`[workload, ${longest}, ${tooLong}]`),
            workload: WORKLOAD,
            [longest]: WORKLOAD,
            [tooLong]: WORKLOAD,
        });
        const r = run(dir, "--matrix", "--kind", "workload");
        assert.strictEqual(r.code, 2);
        assert.strictEqual(
            r.err,
            `error: stack "${tooLong}" has 46 characters; CI names each job's AWS session org-access-preview-<stack>, and STS takes at most 64 characters: name the shard with at most 36 characters (npx org-access account move into a shorter one)\n`,
        );
        assert.strictEqual(run(dir).code, 0);
        fs.rmSync(path.join(dir, `Pulumi.${tooLong}.yaml`));
        fs.writeFileSync(
            path.join(dir, "Pulumi.security.yaml"),
            security(`[workload, ${longest}]`),
        );
        assert.deepStrictEqual(JSON.parse(run(dir, "--matrix").out), {
            stack: ["security", "workload", longest],
        });
    });

    it("takes only its own options", () => {
        const dir = project({ security: security(), workload: WORKLOAD });
        assert.match(
            run(dir, "--kind", "prod").err,
            /^error: --kind must be security or workload, not "prod"\nusage: npx org-access stacks \[--kind security\|workload\] \[--matrix\]\nrun 'npx org-access stacks --help' for the options\n$/,
        );
        assert.strictEqual(run(dir, "--stack", "workload").code, 2);
        assert.match(run(dir, "--help").out, /^usage: npx org-access stacks /);
    });
});
