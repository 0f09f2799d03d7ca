// `npm run bench`: the offline plan of the workload stack with generated configs of 10, 100, 300
// and 1,000 accounts, next to a bare baseline (the same number of plain @pulumi/aws providers and
// resources under the same mock runtime), the proofs of the example's pair of stacks at the same
// size, plus the policy pack's throughput. Each measurement runs in a fresh process so its peak
// memory is its own. Prints figures; asserts nothing.
import * as aws from "@pulumi/aws";
import { defineCommand, Io, runCommand, start, STDIO, UsageError } from "../cli/command";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { loadSecurityConfig } from "../config";
import { accessModel } from "../evidence/model";
import { runProofs } from "../evidence/proofs";
import { evidenceMatrix } from "../evidence/simulate";
import {
    defaultSecurityStackName,
    PlanResult,
    planStack,
    toModelResource,
    toPackResource,
} from "../plan/run";
import { checkResources } from "../policypack/runner";
import { securityStack } from "../stacks/security";
import { ACCOUNTS_PER_SHARD, AUDITORS, planOrganization } from "./benchOrg";

const SIZES = [10, 100, 300, 1000];
/** Organizations planned whole by `npm start` (scripts/benchOrg.ts). */
const ORGANIZATIONS = [1000, 3000];
const KINDS = ["plan", "baseline", "proofs"] as const;

export const USAGE = `usage: npx org-access bench [--organization]

Plans the workload stack with generated configs of ${SIZES.join(", ")} accounts, each in a fresh
process, next to a bare baseline of as many plain providers and roles; times the proofs of the
example's pair of stacks (security and workload) at each size; and measures the policy pack's
throughput. Then onboards organizations of ${ORGANIZATIONS.join(" and ")} accounts into project
folders of their own (${AUDITORS} auditors, shards of ${ACCOUNTS_PER_SHARD} accounts) and plans every
stack of each with npm start's command, timing it and sampling the peak memory of its whole process
tree. Prints Markdown tables and every proof that does not hold; asserts nothing.

  --organization   only the organization plans
(--child plan|baseline|proofs --accounts N is how it runs one measurement in a child process.)

npm run bench -- ARGS is the same command; npx org-access bench policy times the policy pack.`;

type BenchOptions =
    | { readonly child: undefined; readonly organizationOnly: boolean }
    | { readonly child: (typeof KINDS)[number]; readonly accounts: number };

export const command = defineCommand({
    usage: USAGE,
    invocation: "npx org-access bench",
    options: {
        child: { type: "string" },
        accounts: { type: "string" },
        organization: { type: "boolean" },
    },
    build(v): BenchOptions {
        if (v.child === undefined) {
            if (v.accounts !== undefined) throw new UsageError("--accounts goes with --child");
            return { child: undefined, organizationOnly: v.organization ?? false };
        }
        const kind = KINDS.find((k) => k === v.child);
        const accounts = Number(v.accounts);
        if (!kind) throw new UsageError(`--child must be ${KINDS.join(" or ")}`);
        if (!Number.isSafeInteger(accounts) || accounts < 1)
            throw new UsageError("--child needs --accounts N, a whole number");
        return { child: kind, accounts };
    },
});
const SECURITY = "111122223333";

/**
 * A workload stack config with `n` accounts, as the engine would pass it. One stack of them all,
 * its budget (maxAccountsPerStack) raised to `n`: these rows measure how the program scales in one
 * process, not a layout to deploy (the organization rows plan shards of the default budget).
 */
export function workloadConfig(n: number) {
    const accounts = Array.from({ length: n }, (_, i) => ({
        name: `member-${i}`,
        accountId: String(200000000000 + i),
    }));
    return {
        config: {
            "aws:region": "us-east-1",
            "org-access:securityAccountId": SECURITY,
            "org-access:workloadAccounts": JSON.stringify(accounts),
            "org-access:maxAccountsPerStack": String(n),
            "org-access:trustedPrincipals": JSON.stringify({
                humanArns: [`arn:aws:iam::${SECURITY}:user/org-access/alice`],
                reporters: [
                    {
                        name: "reporter",
                        arn: `arn:aws:iam::${SECURITY}:user/org-access/reporter`,
                        externalId: "bench-external-id",
                    },
                ],
            }),
        },
        secretKeys: [],
    };
}

/**
 * The security stack that trusts the generated workload stack: the example stack's duties (auditors,
 * a reporter, responders, break-glass, CI, guardrails), with `workloadStacks` read from `root`.
 */
export function securityConfig() {
    const values: Record<string, unknown> = {
        "aws:region": "us-east-1",
        "org-access:securityAccountId": SECURITY,
        "org-access:organizationId": "o-benchorgid1",
        "org-access:managementAccount": { accountId: "100000000001", deployRoleName: "Deploy" },
        "org-access:logArchiveAccount": { accountId: "100000000002" },
        "org-access:auditors": ["alice", "bob"],
        "org-access:reporters": [{ name: "reporter", externalId: "bench-external-id" }],
        "org-access:incidentResponse": { responders: ["carol"] },
        "org-access:breakGlass": { users: ["dana-breakglass"] },
        "org-access:guardrails": { targets: ["r-bench"] },
        "org-access:ci": {
            repository: "example-org/org-access",
            deployEnvironment: "production",
            deployBranch: "main",
            deployWorkflow: ".github/workflows/deploy.yml",
            stateBucket: "bench-org-access-state",
        },
        "org-access:workloadStacks": ["workload"],
    };
    return {
        config: Object.fromEntries(
            Object.entries(values).map(([k, v]) => [
                k,
                typeof v === "string" ? v : JSON.stringify(v),
            ]),
        ),
        secretKeys: [],
    };
}

/**
 * The example's pair of stacks at `n` accounts, for the proofs: a workload stack with preview roles
 * that trusts the security stack's outputs, and the security stack that reads its stack file (from
 * a temporary folder) to grant access to it. Planned apart from the timed plan above, whose config
 * matches the baseline's resource count.
 */
async function planPair(n: number): Promise<{ security: PlanResult; workload: PlanResult }> {
    const { config } = workloadConfig(n);
    const workload: Record<string, unknown> = {
        ...Object.fromEntries(
            Object.entries(config)
                .filter(([k]) => k !== "org-access:trustedPrincipals")
                .map(([k, v]) => [k, /^[[{]/.test(v) ? JSON.parse(v) : v]),
        ),
        "org-access:previewRole": { name: "OrgAccessPreviewRole" },
    };
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "org-access-bench-"));
    try {
        fs.writeFileSync(
            path.join(root, "Pulumi.workload.yaml"),
            YAML.stringify({ config: workload }),
        );
        const security = await planStack({
            stack: "security",
            stackFile: securityConfig(),
            build: () => securityStack(loadSecurityConfig("security", undefined, root)),
        });
        const planned = await planStack({
            stack: "workload",
            stackFile: {
                config: Object.fromEntries(
                    Object.entries(workload).map(([k, v]) => [
                        k,
                        typeof v === "string" ? v : JSON.stringify(v),
                    ]),
                ),
                secretKeys: [],
            },
            stackOutputs: { [defaultSecurityStackName()]: security.outputs },
        });
        return { security, workload: planned };
    } finally {
        fs.rmSync(root, { recursive: true, force: true });
    }
}

/** The proofs of one planned stack, seen with the security stack, as plan/offline.ts runs them. */
function proofsOf(stack: PlanResult, security: PlanResult) {
    const resources = stack.resources.map(toModelResource);
    return runProofs({
        stack: stack.stack,
        kind: stack.stack === "security" ? "security" : "workload",
        model: accessModel({ stack, security }),
        resources,
        security: stack === security ? resources : security.resources.map(toModelResource),
        outputs: { ...security.outputs, ...stack.outputs },
    });
}

interface ChildResult {
    readonly resources: number;
    readonly planMs: number;
    readonly evidenceMs?: number;
    readonly packMs?: number;
    /** Both stacks' proofs, over the example's pair of stacks at the same size (planPair). */
    readonly proofsMs?: number;
    /** Proofs that hold, of all run: a benchmark that proves nothing measures nothing. */
    readonly proofsHeld?: string;
    /** Each proof that does not hold, with its first counterexample's reason. */
    readonly proofsFailed?: readonly string[];
    readonly maxRssMb: number;
}

/**
 * Runs in a child process of its own, apart from the timed plan: the example's pair of stacks at
 * `n` accounts and both stacks' proofs, as `npm start` runs them.
 */
async function proofsChild(n: number): Promise<ChildResult> {
    const pair = await planPair(n);
    const t0 = process.hrtime.bigint();
    const proofs = [
        ...proofsOf(pair.security, pair.security),
        ...proofsOf(pair.workload, pair.security),
    ];
    const proofsMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const failed = proofs.filter((p) => !p.holds);
    return {
        resources: pair.security.resources.length + pair.workload.resources.length,
        planMs: 0,
        proofsMs,
        proofsHeld: `${proofs.length - failed.length}/${proofs.length}`,
        proofsFailed: failed.map(
            (p) => `${p.id}: ${p.counterexamples[0]?.reason ?? "examined nothing"}`,
        ),
        maxRssMb: process.resourceUsage().maxRSS / 1024,
    };
}

/** Runs in a child process: one plan (or baseline) of one size. */
async function child(kind: string, n: number): Promise<ChildResult> {
    if (kind === "proofs") return proofsChild(n);
    const stackFile = workloadConfig(n);
    const perAccount = 5; // an AuditRole component and its role, two attachments and the Deny policy
    const t0 = process.hrtime.bigint();
    const result = await planStack({
        stack: "workload",
        stackFile,
        build:
            kind === "baseline"
                ? () => {
                      for (let i = 0; i < n; i++) {
                          const id = String(200000000000 + i);
                          const provider = new aws.Provider(`acct-${i}`, {
                              region: "us-east-1",
                              allowedAccountIds: [id],
                          });
                          for (let k = 0; k < perAccount; k++)
                              new aws.iam.Role(
                                  `acct-${i}-r${k}`,
                                  { assumeRolePolicy: "{}" },
                                  { provider },
                              );
                      }
                      return {};
                  }
                : undefined,
    });
    const planMs = Number(process.hrtime.bigint() - t0) / 1e6;
    if (kind === "baseline")
        return {
            resources: result.resources.length,
            planMs,
            maxRssMb: process.resourceUsage().maxRSS / 1024,
        };
    const t1 = process.hrtime.bigint();
    evidenceMatrix(accessModel({ stack: result }));
    const evidenceMs = Number(process.hrtime.bigint() - t1) / 1e6;
    const t2 = process.hrtime.bigint();
    checkResources(result.resources.map(toPackResource));
    const packMs = Number(process.hrtime.bigint() - t2) / 1e6;
    return {
        resources: result.resources.length,
        planMs,
        evidenceMs,
        packMs,
        maxRssMb: process.resourceUsage().maxRSS / 1024,
    };
}

function spawn(kind: string, n: number): ChildResult & { wallMs: number } {
    const t0 = process.hrtime.bigint();
    const args = [__filename, "--child", kind, "--accounts", String(n)];
    const out = execFileSync(process.execPath, args, {
        encoding: "utf8",
        maxBuffer: 1 << 26,
    });
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    return { ...(JSON.parse(out.trim().split("\n").pop() as string) as ChildResult), wallMs };
}

/** Policy-pack throughput in-process, over the resources of one large plan, repeated for about two seconds. */
async function packThroughput(): Promise<{ resources: number; perSecond: number }> {
    const plan = await planStack({ stack: "workload", stackFile: workloadConfig(300) });
    const resources = plan.resources.map(toPackResource);
    checkResources(resources); // warm-up
    let checked = 0;
    const t0 = process.hrtime.bigint();
    while (Number(process.hrtime.bigint() - t0) < 2e9) {
        checkResources(resources);
        checked += resources.length;
    }
    return {
        resources: resources.length,
        perSecond: checked / (Number(process.hrtime.bigint() - t0) / 1e9),
    };
}

/** Every stack of whole organizations, planned by npm start's command (scripts/benchOrg.ts). */
async function organizations(print: (line: string) => void): Promise<void> {
    print(
        `every stack of an organization (npm start; ${AUDITORS} auditors, shards of ${ACCOUNTS_PER_SHARD} accounts; load average ${os
            .loadavg()
            .map((l) => l.toFixed(1))
            .join(" ")}):`,
    );
    print("");
    print(
        "| accounts | stacks | wall s | CPU s, process tree | peak MB, process tree | exit | stacks whose proofs all hold | proofs that do not hold (stacks) |",
    );
    print("|---:|---:|---:|---:|---:|---:|---:|---|");
    const runs = [];
    for (const n of ORGANIZATIONS) {
        const r = await planOrganization(n);
        runs.push(r);
        const failed = [...r.failedProofs].map(([id, k]) => `${id} (${k})`).join(", ") || "none";
        print(
            `| ${n} | ${r.stacks} | ${(r.wallMs / 1000).toFixed(1)} | ${r.cpuS.toFixed(1)} | ${r.peakTreeMb.toFixed(0)} | ${r.exitCode} | ${r.proofsHeldIn} | ${failed} |`,
        );
    }
    print("");
    for (const r of runs) {
        for (const e of r.engine) print(`real engine at ${r.accounts} accounts, ${e}`);
        if (r.exitCode === 2 || r.exitCode === null) print(`stderr: ${r.stderrTail}`);
    }
    const [small, large] = runs;
    if (small && large)
        print(
            `growth: ${large.accounts.toLocaleString("en-US")} accounts take ${(large.wallMs / small.wallMs).toFixed(2)}x the wall time of ${small.accounts.toLocaleString("en-US")} (target: at most 3.3x); target at ${small.accounts.toLocaleString("en-US")}: 20 s and 1,536 MB`,
        );
}

/** The whole benchmark, one line at a time. */
async function bench(print: (line: string) => void, organizationOnly: boolean): Promise<void> {
    const s = (ms: number) => (ms / 1000).toFixed(2);
    print(
        `org-access offline-plan benchmark: node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? "cpu"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`,
    );
    print("");
    if (organizationOnly) return organizations(print);
    print(
        "| accounts | resources | wall s | program s | evidence s | pack s | proofs s (held) | peak MB | baseline wall s | baseline program s | ratio (program) |",
    );
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    const rows: { n: number; wall: number }[] = [];
    const failures: string[] = [];
    for (const n of SIZES) {
        const plan = spawn("plan", n);
        const base = spawn("baseline", n);
        const proved = spawn("proofs", n);
        failures.push(...(proved.proofsFailed ?? []).map((f) => `${n} accounts: ${f}`));
        rows.push({ n, wall: plan.wallMs });
        print(
            `| ${n} | ${plan.resources} | ${s(plan.wallMs)} | ${s(plan.planMs)} | ${s(plan.evidenceMs ?? 0)} | ${s(plan.packMs ?? 0)} | ${s(proved.proofsMs ?? 0)} (${proved.proofsHeld}) | ${plan.maxRssMb.toFixed(0)} | ${s(base.wallMs)} | ${s(base.planMs)} | ${(plan.planMs / base.planMs).toFixed(2)} |`,
        );
    }
    const at = (n: number) => rows.find((r) => r.n === n)?.wall ?? NaN;
    print("");
    for (const f of failures) print(`proof that does not hold at ${f}`);
    if (failures.length) print("");
    print(
        `growth: 1,000 accounts take ${(at(1000) / at(100)).toFixed(1)}x the wall time of 100 (target: at most 11x)`,
    );
    const pack = await packThroughput();
    print(
        `policy pack: ${Math.round(pack.perSecond).toLocaleString("en-US")} resources/s in-process over a ${pack.resources}-resource plan (target: at least 20,000/s)`,
    );
    print("");
    await organizations(print);
}

export function main(argv: readonly string[], io: Io = STDIO): Promise<number> {
    return runCommand(command, argv, io, async (options) => {
        if (options.child !== undefined)
            io.out.write(`${JSON.stringify(await child(options.child, options.accounts))}\n`);
        else await bench((line) => io.out.write(`${line}\n`), options.organizationOnly);
        return 0;
    });
}

if (require.main === module) start(main);
