import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { validateSecurityConfig } from "../config";
import { main as stacksMain, MAX_CI_STACK_NAME, ROLE_SESSION_NAME_LIMIT } from "../scripts/stacks";
import { securityValues } from "./helpers";

type Step = {
    id?: string;
    name?: string;
    uses?: string;
    if?: string;
    run?: string;
    with?: Record<string, unknown>;
    env?: Record<string, unknown>;
};
/** A map of permission to level, or `read-all` / `write-all` for every permission. */
type Permissions = Record<string, string> | string;
type Job = {
    if?: string;
    needs?: string | string[];
    environment?: string | { name: string };
    permissions?: Permissions;
    env?: Record<string, unknown>;
    outputs?: Record<string, string>;
    strategy?: { "fail-fast"?: boolean; "max-parallel"?: number; matrix?: unknown };
    steps: Step[];
};
type Workflow = {
    on: Record<string, unknown>;
    permissions?: Permissions;
    jobs: Record<string, Job>;
};

const dir = path.join(__dirname, "..", ".github", "workflows");
const read = (name: string): Workflow => YAML.parse(fs.readFileSync(path.join(dir, name), "utf8"));
const text = (name: string) => fs.readFileSync(path.join(dir, name), "utf8");
const pulumiSteps = (job: Job) => job.steps.filter((s) => s.uses?.startsWith("pulumi/actions@"));
const awsSteps = (job: Job) =>
    job.steps.filter((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/**
 * The level `permissions` grants one permission: `write-all` grants every permission write,
 * id-token included, and `read-all` every permission read, which id-token does not have (its
 * levels are write and none): https://docs.github.com/actions/using-jobs/assigning-permissions-to-jobs
 */
function granted(p: Permissions | undefined, permission: string): string | undefined {
    if (p === "write-all") return "write";
    if (p === "read-all") return permission === "id-token" ? undefined : "read";
    return typeof p === "object" ? p[permission] : undefined;
}

/**
 * Whether a job can get an OIDC token: jobs inherit the workflow's `id-token: write` unless they
 * set their own `permissions`. Every such job must keep to the identity rules below; a job that
 * cannot (the job listing the stacks) must hold no credentials at all.
 */
const canGetToken = (wf: Workflow, job: Job) =>
    granted(job.permissions ?? wf.permissions, "id-token") === "write";
const tokenJobs = (wf: Workflow) =>
    Object.entries(wf.jobs).filter(([, job]) => canGetToken(wf, job));

/** A job without an OIDC token: no environment, no AWS or Pulumi step, no secret, no identity. */
function credentialFreeProblems(name: string, job: Job): string[] {
    const problems: string[] = [];
    if (job.environment !== undefined) problems.push(`${name}: names an environment`);
    if (awsSteps(job).length > 0 || pulumiSteps(job).length > 0)
        problems.push(`${name}: has AWS or Pulumi steps without an OIDC token`);
    if (/secrets\.|ORG_ACCESS_\w+_ROLE_ARN/.test(JSON.stringify(job)))
        problems.push(`${name}: uses a secret or an identity`);
    return problems;
}

/** What the CI identities expect of the workflows, from the config defaults (config/schema.ts). */
const ci = validateSecurityConfig({
    values: securityValues({
        ci: { repository: "example-org/org-access", stateBucket: "example-state" },
    }),
    region: "us-east-1",
}).ci!;
const DEPLOY_FILE = path.basename(ci.deployWorkflow);

const PREVIEW_VAR = "${{ vars.ORG_ACCESS_PREVIEW_ROLE_ARN }}";
const DEPLOY_VAR = "${{ vars.ORG_ACCESS_DEPLOY_ROLE_ARN }}";

/**
 * A pull-request workflow may preview only, with the preview identity and the preview roles, and
 * no job may name an environment (that would change the token's subject, and is how a pull request
 * once reached the deploy role).
 */
function previewProblems(wf: Workflow): string[] {
    const problems: string[] = [];
    const triggers = Object.keys(wf.on);
    if (triggers.join() !== "pull_request") problems.push(`runs on ${triggers.join(", ")}`);
    if (JSON.stringify(wf).includes("ORG_ACCESS_DEPLOY_ROLE_ARN"))
        problems.push("mentions the deploy identity");
    for (const [name, job] of Object.entries(wf.jobs)) {
        if (!canGetToken(wf, job)) {
            problems.push(...credentialFreeProblems(name, job));
            continue;
        }
        if (job.environment !== undefined) problems.push(`${name}: names an environment`);
        if (job.env?.ORG_ACCESS_PROVIDER_ROLE !== "preview")
            problems.push(`${name}: ORG_ACCESS_PROVIDER_ROLE is not preview`);
        const aws = awsSteps(job);
        if (aws.length !== 1 || aws[0].with?.["role-to-assume"] !== PREVIEW_VAR)
            problems.push(`${name}: does not assume exactly the preview identity`);
        for (const s of pulumiSteps(job))
            if (s.with?.command !== "preview")
                problems.push(`${name}: runs pulumi ${String(s.with?.command)}`);
        for (const s of job.steps)
            if (/\bpulumi\s+(up|refresh|destroy|import|cancel|state)\b/.test(s.run ?? ""))
                problems.push(`${name}: runs "${s.run}"`);
    }
    return problems;
}

/**
 * The deploy workflow: push to main only, every job pinned to main, and every job that can get an
 * OIDC token in the protected environment.
 */
function deployProblems(wf: Workflow): string[] {
    const problems: string[] = [];
    const triggers = Object.keys(wf.on);
    if (triggers.join() !== "push") problems.push(`runs on ${triggers.join(", ")}`);
    const branches = (wf.on.push as { branches?: string[] } | null)?.branches;
    if (JSON.stringify(branches) !== JSON.stringify([ci.deployBranch]))
        problems.push(`push branches are ${JSON.stringify(branches)}`);
    if (JSON.stringify(wf).includes("ORG_ACCESS_PREVIEW_ROLE_ARN"))
        problems.push("mentions the preview identity");
    for (const [name, job] of Object.entries(wf.jobs)) {
        if (!(job.if ?? "").includes(`github.ref == 'refs/heads/${ci.deployBranch}'`))
            problems.push(`${name}: not pinned to ${ci.deployBranch}`);
        if (!canGetToken(wf, job)) {
            problems.push(...credentialFreeProblems(name, job));
            continue;
        }
        const env = typeof job.environment === "object" ? job.environment.name : job.environment;
        if (env !== ci.deployEnvironment) problems.push(`${name}: environment is ${String(env)}`);
        if (job.env?.ORG_ACCESS_PROVIDER_ROLE !== "deploy")
            problems.push(`${name}: ORG_ACCESS_PROVIDER_ROLE is not deploy`);
        const aws = awsSteps(job);
        if (aws.length !== 1 || aws[0].with?.["role-to-assume"] !== DEPLOY_VAR)
            problems.push(`${name}: does not assume exactly the deploy identity`);
    }
    return problems;
}

/**
 * Where a matrix job's matrix comes from: `fromJSON` of an output of a job it needs, which a step
 * of that job writes with `npm run --silent stacks -- <args>`. Fails on a literal matrix.
 */
function matrixSource(wf: Workflow, jobName: string) {
    const job = wf.jobs[jobName];
    const m = /^\$\{\{ fromJSON\(needs\.([\w-]+)\.outputs\.([\w-]+)\) \}\}$/.exec(
        String(job.strategy?.matrix),
    );
    assert.ok(m, `${jobName}: the matrix is ${JSON.stringify(job.strategy?.matrix)}`);
    const [, source, output] = m;
    assert.ok([job.needs ?? []].flat().includes(source), `${jobName} does not need ${source}`);
    const ref = /^\$\{\{ steps\.([\w-]+)\.outputs\.([\w-]+) \}\}$/.exec(
        wf.jobs[source].outputs?.[output] ?? "",
    );
    assert.ok(ref && ref[2] === output, `${source}.outputs.${output}`);
    const step = wf.jobs[source].steps.find((s) => s.id === ref[1]);
    assert.ok(step?.run, `${source}: no step ${ref[1]}`);
    const call = /npm run --silent stacks -- ([^)"]*)\)/.exec(step.run);
    assert.ok(call, `${source}: step ${ref[1]} does not run npm run --silent stacks`);
    return { step, output, args: call[1].trim().split(/\s+/) };
}

/**
 * Runs a step's script as GitHub runs a `run:` without `shell:` on Linux, `bash -e {0}`
 * (https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_idstepsshell),
 * with an `npm` that does `npmScript` instead; returns the exit status and what it wrote to
 * $GITHUB_OUTPUT.
 */
function runMatrixStep(step: Step, npmScript: string) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "org-access-step-"));
    try {
        fs.mkdirSync(path.join(dir, "bin"));
        fs.writeFileSync(path.join(dir, "bin", "npm"), `#!/bin/sh\n${npmScript}\n`, {
            mode: 0o755,
        });
        fs.writeFileSync(path.join(dir, "step.sh"), step.run!);
        fs.writeFileSync(path.join(dir, "output"), "");
        const r = spawnSync("bash", ["-e", path.join(dir, "step.sh")], {
            env: {
                PATH: `${path.join(dir, "bin")}:${process.env.PATH}`,
                GITHUB_OUTPUT: path.join(dir, "output"),
            },
            encoding: "utf8",
        });
        return {
            status: r.status,
            stderr: r.stderr,
            output: fs.readFileSync(path.join(dir, "output"), "utf8"),
        };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

describe("GitHub workflows", () => {
    const ciWf = read("ci.yml");
    const preview = read("preview.yml");
    const deploy = read(DEPLOY_FILE);
    const all = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));

    it("ci.yml runs the tests on pull requests, with read-only permissions", () => {
        assert.ok("pull_request" in ciWf.on);
        assert.deepStrictEqual(ciWf.permissions, { contents: "read" });
        const runs = Object.values(ciWf.jobs).flatMap((j) => j.steps.map((s) => s.run));
        for (const cmd of ["npm ci", "npm run typecheck", "npm test"])
            assert.ok(runs.includes(cmd), cmd);
    });

    it("ci.yml uploads the pack's verdicts as SARIF to code scanning: pinned action, one job may write, uploaded even on failure, never from forks", () => {
        const job = ciWf.jobs["code-scanning"];
        assert.ok(job, "no code-scanning job");
        // https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/uploading-a-sarif-file-to-github
        assert.deepStrictEqual(job.permissions, {
            contents: "read",
            "security-events": "write",
            actions: "read",
        });
        for (const f of all)
            for (const [name, j] of Object.entries(read(f).jobs))
                if (!(f === "ci.yml" && name === "code-scanning"))
                    assert.notStrictEqual(
                        granted(j.permissions ?? read(f).permissions, "security-events"),
                        "write",
                        `${f} ${name}`,
                    );
        const check = job.steps.findIndex((s) => /policy:check -- .*--sarif /.test(s.run ?? ""));
        assert.ok(check >= 0, "no step runs policy:check --sarif");
        const sarif = /--sarif (\S+)/.exec(job.steps[check].run!)![1];
        const upload = job.steps.findIndex((s) =>
            s.uses?.startsWith("github/codeql-action/upload-sarif@"),
        );
        assert.ok(upload > check, "the upload must follow the check");
        const step = job.steps[upload];
        assert.strictEqual(step.with?.sarif_file, sarif);
        // Pinned to a full commit SHA, with the version it is in a comment.
        assert.match(step.uses!, /^github\/codeql-action\/upload-sarif@[0-9a-f]{40}$/);
        assert.match(
            text("ci.yml"),
            new RegExp(`${step.uses!.replace(/[/.]/g, "\\$&")} # v\\d+\\.\\d+\\.\\d+`),
        );
        // Uploaded when the check fails (exit 1), not when the run is cancelled; never with a fork's
        // read-only token.
        assert.match(String(step.if), /!cancelled\(\)|always\(\)/);
        assert.match(
            String(step.if),
            /github\.event\.pull_request\.head\.repo\.full_name == github\.repository/,
        );
        // Only when the check wrote the file (the plan or the check stops on exit 2 without it),
        // and not where the repository variable turns code scanning off (a private repository
        // without GitHub Advanced Security has none).
        assert.ok(
            String(step.if).includes(`hashFiles('${sarif}') != ''`),
            `upload without checking that ${sarif} exists: ${step.if}`,
        );
        assert.ok(
            String(step.if).includes("vars.ORG_ACCESS_CODE_SCANNING != 'false'"),
            String(step.if),
        );
        // Weekly too: an expired suppression's violation comes back without a push.
        const schedule = ciWf.on.schedule as { cron: string }[];
        assert.ok(Array.isArray(schedule) && schedule.length === 1, "ci.yml has no schedule");
        const [minute, hour, dom, month, dow] = schedule[0].cron.split(" ");
        assert.ok(
            /^\d+$/.test(minute) &&
                /^\d+$/.test(hour) &&
                dom === "*" &&
                month === "*" &&
                /^[0-6]$/.test(dow),
            `not weekly: ${schedule[0].cron}`,
        );
        // The plan step passes its JSON on when it finds a violation (exit 1), and stops on exit 2.
        const plan = job.steps.find((s) => /npm start .*--json > /.test(s.run ?? ""))!;
        const input = /--json > (\S+)/.exec(plan.run!)![1];
        assert.ok(job.steps[check].run!.endsWith(` ${input}`), job.steps[check].run);
        for (const [code, ok] of [
            [0, true],
            [1, true],
            [2, false],
        ] as const) {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ci-step-"));
            const run = plan.run!.replace(
                /^npm start --silent -- --json/,
                `(echo '{}'; exit ${code})`,
            );
            const r = spawnSync("bash", ["-e", "-c", run], { cwd: dir, encoding: "utf8" });
            assert.strictEqual(r.status === 0, ok, `exit ${code}: ${run}`);
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("preview.yml previews every stack on pull requests with the policy pack, and comments", () => {
        const job = preview.jobs.preview;
        assert.deepStrictEqual(matrixSource(preview, "preview").args, ["--matrix"]);
        const [step] = pulumiSteps(job);
        assert.deepStrictEqual(
            {
                command: step.with?.command,
                stack: step.with?.["stack-name"],
                packs: step.with?.policyPacks,
                comment: step.with?.["comment-on-pr"],
            },
            {
                command: "preview",
                stack: "${{ matrix.stack }}",
                packs: "policypack",
                comment: true,
            },
        );
    });

    it("the matrices come from npm run stacks, not a literal list: previews every stack, deploys every workload stack", () => {
        // The fixture project: what the files say, not what this repository's stack files hold.
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "org-access-matrix-"));
        try {
            fs.writeFileSync(
                path.join(dir, "Pulumi.security.yaml"),
                "config:\n  org-access:workloadStacks: [workload, workload-eu, workload-us]\n",
            );
            for (const s of ["workload", "workload-eu", "workload-us"])
                fs.writeFileSync(path.join(dir, `Pulumi.${s}.yaml`), "config: {}\n");
            const matrixOf = (wf: Workflow, job: string) => {
                const { args } = matrixSource(wf, job);
                let out = "";
                const code = stacksMain(
                    args,
                    { out: { write: (t: string) => (out += t) }, err: { write: () => 0 } },
                    dir,
                );
                assert.strictEqual(code, 0, job);
                return JSON.parse(out) as unknown;
            };
            assert.deepStrictEqual(matrixOf(preview, "preview"), {
                stack: ["security", "workload", "workload-eu", "workload-us"],
            });
            // The security stack has its own job, first; it must not be deployed again, at once.
            assert.deepStrictEqual(matrixOf(deploy, "up-workload"), {
                stack: ["workload", "workload-eu", "workload-us"],
            });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
        // `npm run stacks` runs the command those arguments were checked against (through
        // npx org-access's dispatcher, cli/main.ts, which runs scripts/stacks.ts).
        const pkg = JSON.parse(
            fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8"),
        ) as { scripts: Record<string, string> };
        assert.strictEqual(pkg.scripts.stacks, "node bin/org-access.js stacks");
        assert.ok(fs.existsSync(path.join(__dirname, "..", "scripts", "stacks.ts")));
    });

    it("the matrix step stops the run when npm run stacks refuses (exit 2), instead of an empty matrix", () => {
        for (const [wf, job] of [
            [preview, "preview"],
            [deploy, "up-workload"],
        ] as const) {
            const { step, output } = matrixSource(wf, job);
            const refused = runMatrixStep(step, "echo 'error: the stack files ...' >&2; exit 2");
            assert.notStrictEqual(refused.status, 0, job);
            assert.strictEqual(refused.output, "", `${job}: wrote ${refused.output}`);
            const ok = runMatrixStep(step, `echo '{"stack":["workload-x"]}'`);
            assert.strictEqual(ok.status, 0, ok.stderr);
            assert.strictEqual(ok.output, `${output}={"stack":["workload-x"]}\n`, job);
        }
    });

    it(`every AWS session name fits STS's ${ROLE_SESSION_NAME_LIMIT} characters with the longest stack name npm run stacks lets through`, () => {
        const longest = `workload-${"a".repeat(MAX_CI_STACK_NAME - "workload-".length)}`;
        const names = [preview, deploy].flatMap((wf) =>
            Object.values(wf.jobs).flatMap((j) =>
                awsSteps(j).map((s) => String(s.with?.["role-session-name"])),
            ),
        );
        assert.strictEqual(names.length, 3);
        for (const name of names) {
            const session = name.replace("${{ matrix.stack }}", longest);
            assert.match(session, /^[\w+=,.@-]{2,}$/, name);
            assert.ok(session.length <= ROLE_SESSION_NAME_LIMIT, `${name}: ${session.length}`);
        }
        // The bound is tight: the preview job's name reaches exactly the limit.
        assert.ok(
            names.some(
                (n) => n.replace("${{ matrix.stack }}", longest).length === ROLE_SESSION_NAME_LIMIT,
            ),
        );
    });

    it("matrix jobs: fail-fast off (never cancel a running pulumi up; every preview's verdict), max-parallel bounded", () => {
        for (const job of [preview.jobs.preview, deploy.jobs["up-workload"]]) {
            assert.strictEqual(job.strategy?.["fail-fast"], false);
            const max = job.strategy?.["max-parallel"];
            assert.ok(typeof max === "number" && max >= 1 && max <= 20, String(max));
        }
    });

    it("preview.yml uses only the preview identity and the preview roles, names no environment and never deploys", () => {
        assert.deepStrictEqual(previewProblems(preview), []);
    });

    it("the deploy workflow is the file the deploy identity pins, runs on push to main only, in the protected environment", () => {
        assert.ok(all.includes(DEPLOY_FILE), `${ci.deployWorkflow} is missing`);
        assert.deepStrictEqual(deployProblems(deploy), []);
        // Only that file may deploy: no other workflow assumes the deploy identity or runs pulumi up.
        for (const f of all.filter((f) => f !== DEPLOY_FILE)) {
            assert.doesNotMatch(text(f), /ORG_ACCESS_DEPLOY_ROLE_ARN/, f);
            for (const job of Object.values(read(f).jobs))
                for (const s of pulumiSteps(job)) assert.strictEqual(s.with?.command, "preview", f);
        }
    });

    it("deploys security first, then every workload stack, each with the policy pack", () => {
        const sec = deploy.jobs["up-security"];
        const wl = deploy.jobs["up-workload"];
        assert.strictEqual(sec.needs, "stacks");
        assert.deepStrictEqual(wl.needs, ["stacks", "up-security"]);
        assert.deepStrictEqual(
            [sec, wl].map((j) =>
                pulumiSteps(j).map((s) => [
                    s.with?.command,
                    s.with?.["stack-name"],
                    s.with?.policyPacks,
                ]),
            ),
            [[["up", "security", "policypack"]], [["up", "${{ matrix.stack }}", "policypack"]]],
        );
        // Every step of a shard's job speaks of that shard, never of a fixed stack.
        assert.doesNotMatch(JSON.stringify(wl), /STACK":"workload"|stack-name":"workload"/);
    });

    it("the checks catch wrong workflows", () => {
        const pr = (edit: (w: Workflow) => void) => {
            const w = clone(preview);
            edit(w);
            return previewProblems(w);
        };
        assert.deepStrictEqual(
            pr((w) => (w.jobs.preview.environment = "production")),
            ["preview: names an environment"],
        );
        assert.deepStrictEqual(
            pr((w) => (awsSteps(w.jobs.preview)[0].with!["role-to-assume"] = DEPLOY_VAR)),
            [
                "mentions the deploy identity",
                "preview: does not assume exactly the preview identity",
            ],
        );
        assert.deepStrictEqual(
            pr((w) => (w.jobs.preview.env = {})),
            ["preview: ORG_ACCESS_PROVIDER_ROLE is not preview"],
        );
        assert.deepStrictEqual(
            pr((w) => (pulumiSteps(w.jobs.preview)[0].with!.command = "up")),
            ["preview: runs pulumi up"],
        );
        assert.deepStrictEqual(
            pr((w) => w.jobs.preview.steps.push({ run: "pulumi refresh --yes --stack security" })),
            [`preview: runs "pulumi refresh --yes --stack security"`],
        );
        assert.deepStrictEqual(
            pr((w) => (w.on = { pull_request: null, push: { branches: ["main"] } })),
            ["runs on pull_request, push"],
        );
        const dep = (edit: (w: Workflow) => void) => {
            const w = clone(deploy);
            edit(w);
            return deployProblems(w);
        };
        assert.deepStrictEqual(
            dep((w) => delete w.jobs["up-workload"].if),
            ["up-workload: not pinned to main"],
        );
        assert.deepStrictEqual(
            dep((w) => delete w.jobs["up-security"].environment),
            ["up-security: environment is undefined"],
        );
        assert.deepStrictEqual(
            dep((w) => (w.on = { pull_request: null, push: { branches: ["main"] } })),
            ["runs on pull_request, push"],
        );
        assert.deepStrictEqual(
            dep((w) => (w.on = { push: { branches: ["main", "release/*"] } })),
            ['push branches are ["main","release/*"]'],
        );
        assert.deepStrictEqual(
            dep((w) => (awsSteps(w.jobs["up-security"])[0].with!["role-to-assume"] = PREVIEW_VAR)),
            [
                "mentions the preview identity",
                "up-security: does not assume exactly the deploy identity",
            ],
        );
        // The job that lists the stacks: no token, so no AWS step; given a token, every rule applies.
        assert.deepStrictEqual(
            pr((w) => w.jobs.stacks.steps.push(clone(awsSteps(w.jobs.preview)[0]))),
            [
                "stacks: has AWS or Pulumi steps without an OIDC token",
                "stacks: uses a secret or an identity",
            ],
        );
        assert.deepStrictEqual(
            pr((w) => delete w.jobs.stacks.permissions),
            [
                "stacks: ORG_ACCESS_PROVIDER_ROLE is not preview",
                "stacks: does not assume exactly the preview identity",
            ],
        );
        assert.deepStrictEqual(
            dep((w) => (w.jobs.stacks.environment = "production")),
            ["stacks: names an environment"],
        );
        assert.deepStrictEqual(
            dep((w) => (w.jobs.stacks.permissions = { contents: "read", "id-token": "write" })),
            [
                "stacks: environment is undefined",
                "stacks: ORG_ACCESS_PROVIDER_ROLE is not deploy",
                "stacks: does not assume exactly the deploy identity",
            ],
        );
        assert.deepStrictEqual(
            dep((w) => delete w.jobs.stacks.if),
            ["stacks: not pinned to main"],
        );
        // `write-all` grants every permission write, id-token included; `read-all` cannot grant
        // id-token, whose only levels are write and none.
        assert.deepStrictEqual(
            pr((w) => (w.jobs.stacks.permissions = "write-all")),
            [
                "stacks: ORG_ACCESS_PROVIDER_ROLE is not preview",
                "stacks: does not assume exactly the preview identity",
            ],
        );
        assert.deepStrictEqual(
            dep((w) => (w.jobs.stacks.permissions = "write-all")),
            [
                "stacks: environment is undefined",
                "stacks: ORG_ACCESS_PROVIDER_ROLE is not deploy",
                "stacks: does not assume exactly the deploy identity",
            ],
        );
        assert.deepStrictEqual(
            pr((w) => {
                w.permissions = "write-all";
                delete w.jobs.stacks.permissions;
            }),
            [
                "stacks: ORG_ACCESS_PROVIDER_ROLE is not preview",
                "stacks: does not assume exactly the preview identity",
            ],
        );
        assert.deepStrictEqual(
            pr((w) => (w.jobs.stacks.permissions = "read-all")),
            [],
        );
    });

    it("no workflow runs pull-request code with the base repository's rights (pull_request_target, workflow_run)", () => {
        for (const f of all) {
            const on = Object.keys(read(f).on);
            assert.ok(!on.includes("pull_request_target") && !on.includes("workflow_run"), f);
        }
    });

    it("gets AWS credentials only through OIDC, before the Pulumi step that needs them", () => {
        for (const [file, wf] of [
            ["preview.yml", preview],
            [DEPLOY_FILE, deploy],
        ] as const) {
            assert.strictEqual(granted(wf.permissions, "id-token"), "write", file);
            assert.strictEqual(granted(wf.permissions, "contents"), "read", file);
            // Only the Pulumi jobs can get a token; the job that lists the stacks cannot.
            assert.deepStrictEqual(
                tokenJobs(wf).map(([name]) => name),
                file === "preview.yml" ? ["preview"] : ["up-security", "up-workload"],
                file,
            );
            assert.deepStrictEqual(wf.jobs.stacks.permissions, { contents: "read" }, file);
            for (const [name, job] of tokenJobs(wf)) {
                const aws = awsSteps(job);
                assert.strictEqual(aws.length, 1, name);
                assert.ok(job.steps.indexOf(aws[0]) < job.steps.indexOf(pulumiSteps(job)[0]), name);
            }
        }
        assert.deepStrictEqual(tokenJobs(ciWf), []);
    });

    it("uses the stack's awskms:// secrets provider: checked before Pulumi runs, and no passphrase anywhere", () => {
        for (const wf of [preview, deploy])
            for (const [name, job] of tokenJobs(wf)) {
                const check = job.steps.findIndex((s) =>
                    /\^secretsprovider: awskms:\/\//.test(s.run ?? ""),
                );
                assert.ok(check >= 0, `${name}: no secrets provider check`);
                assert.ok(check < job.steps.indexOf(pulumiSteps(job)[0]), name);
            }
        for (const f of all) assert.doesNotMatch(text(f), /PULUMI_CONFIG_PASSPHRASE/, f);
    });

    it("stores no static keys anywhere", () => {
        for (const name of all) {
            const t = text(name);
            for (const banned of [
                /aws-access-key-id/i,
                /aws-secret-access-key/i,
                /AWS_ACCESS_KEY_ID/,
                /AWS_SECRET_ACCESS_KEY/,
                /AWS_SESSION_TOKEN/,
                /secrets\.AWS_/,
            ]) {
                assert.doesNotMatch(t, banned, `${name} mentions ${String(banned)}`);
            }
            const secrets = [...t.matchAll(/secrets\.([A-Z_]+)/g)].map((m) => m[1]);
            assert.deepStrictEqual(
                [...new Set(secrets)],
                name === "preview.yml" ? ["GITHUB_TOKEN"] : [],
                name,
            );
        }
    });

    it("preview and up use a pack config the offline plan wrote for that very stack", () => {
        for (const wf of [preview, deploy])
            for (const [name, job] of Object.entries(wf.jobs)) {
                for (const step of pulumiSteps(job)) {
                    const config = String(step.with?.policyPackConfigs);
                    const stack = String(step.with?.["stack-name"]);
                    const writer = job.steps.findIndex(
                        (s) =>
                            /npm start -- --stack \$\{STACK\} --write-policy-config policy-config\.\$\{STACK\}\.json/.test(
                                s.run ?? "",
                            ) && String(s.env?.STACK) === stack,
                    );
                    assert.ok(writer >= 0, `${name}: no step writes the config for ${stack}`);
                    assert.ok(
                        writer < job.steps.indexOf(step),
                        `${name}: the config is written after it is used`,
                    );
                    assert.strictEqual(
                        config,
                        stack === "${{ matrix.stack }}"
                            ? "policy-config.${{ matrix.stack }}.json"
                            : `policy-config.${stack}.json`,
                    );
                }
            }
    });
});
