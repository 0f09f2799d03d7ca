// The organization benchmark of `npm run bench`: a whole organization onboarded into a project
// folder of its own (a security stack with 40 auditors and one workload shard per
// maxAccountsPerStack accounts), planned by `npm start` as a user runs it, with the wall time and
// the peak memory of the whole process tree (the plan and its workers), sampled from /proc.
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { DEFAULT_MAX_ACCOUNTS_PER_STACK } from "../config/schema";
import { arn } from "../policypack/iam/arn";
import { PROJECT_ROOT } from "../config/stackFile";
import { readProjectStacks } from "../stacks/stackFiles";
import { importAccounts } from "./accountImport";
import { writeEdits } from "./accountMove";

/** Accounts per workload shard: the default of org-access:maxAccountsPerStack (docs/BENCHMARKS.md). */
export const ACCOUNTS_PER_SHARD = DEFAULT_MAX_ACCOUNTS_PER_STACK;
export const AUDITORS = 40;

export interface BenchAccount {
    readonly name: string;
    readonly accountId: string;
}

/** `n` member accounts with ids and names of their own. */
export function organizationAccounts(n: number): BenchAccount[] {
    return Array.from({ length: n }, (_, i) => ({
        name: `member-${String(i).padStart(4, "0")}`,
        accountId: String(200000000000 + i),
    }));
}

/**
 * Onboards `accounts` into a new project folder `root` as a user would: the example's security
 * stack with AUDITORS auditors, a Pulumi.workload.yaml with the first account and the example's
 * preview role, and every other account through `account:import` of the `aws organizations
 * list-accounts` listing they make (importAccounts + writeEdits, what `npm run account:import --
 * FILE --write` does): it fills each stack up to the default maxAccountsPerStack and opens
 * `workload-2`, `workload-3`... listed in the security stack's workloadStacks. Returns the workload
 * stacks' names, in the order of workloadStacks. `securityTemplate` is the security stack file the
 * organization starts from (default: the project's own, so a bench measures the user's controls).
 */
export function onboardOrganization(
    root: string,
    accounts: readonly BenchAccount[],
    securityTemplate: string = path.join(PROJECT_ROOT, "Pulumi.security.yaml"),
): string[] {
    if (accounts.length === 0) throw new Error("onboardOrganization: no accounts");
    fs.copyFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), path.join(root, "Pulumi.yaml"));
    const [first, ...rest] = accounts;
    const base = {
        "aws:region": "us-east-1",
        "org-access:securityAccountId": "111122223333",
        "org-access:workloadAccounts": [first],
        "org-access:previewRole": { name: "OrgAccessPreviewRole" },
    };
    fs.writeFileSync(path.join(root, "Pulumi.workload.yaml"), YAML.stringify({ config: base }));
    const security = YAML.parse(fs.readFileSync(securityTemplate, "utf8")) as {
        config: Record<string, unknown>;
    };
    security.config["org-access:auditors"] = Array.from(
        { length: AUDITORS },
        (_, i) => `auditor-${String(i).padStart(2, "0")}`,
    );
    security.config["org-access:reporters"] = [
        { name: "compliance-reporter", externalId: { secure: "AAABAbenchmarkciphertext" } },
    ];
    security.config["org-access:workloadStacks"] = ["workload"];
    fs.writeFileSync(path.join(root, "Pulumi.security.yaml"), YAML.stringify(security));
    if (rest.length > 0) {
        // The shape of `aws organizations list-accounts` (Accounts[].Id/Name/State...).
        const listing = {
            Accounts: rest.map((a) => ({
                Id: a.accountId,
                Arn: arn(
                    "aws",
                    "organizations",
                    "",
                    "123456789012",
                    `account/o-exampleorgid/${a.accountId}`,
                ),
                Email: `${a.name}@example.com`,
                Name: a.name,
                State: "ACTIVE",
                JoinedMethod: "CREATED",
            })),
        };
        writeEdits(importAccounts(JSON.stringify(listing), {}, root).edits);
    }
    return [...readProjectStacks(root).workload];
}

/**
 * The built program (dist/), the pack's config and node_modules in `root`, so that
 * `node dist/plan/cli.js` there plans its stacks exactly as `npm start` plans a project's.
 */
export function installProgram(root: string): void {
    fs.mkdirSync(path.join(root, "policypack"), { recursive: true });
    fs.copyFileSync(
        path.join(PROJECT_ROOT, "policypack", "policy-config.json"),
        path.join(root, "policypack", "policy-config.json"),
    );
    // A copy, not a link: the program finds its project root from where its modules are.
    fs.cpSync(path.join(PROJECT_ROOT, "dist"), path.join(root, "dist"), { recursive: true });
    fs.symlinkSync(path.join(PROJECT_ROOT, "node_modules"), path.join(root, "node_modules"));
}

/**
 * Resident memory (kB) of a process and every process below it, and the CPU time they used (clock
 * ticks: the root's own and that of its children it has reaped, plus the live ones'), from /proc
 * (Linux).
 */
function treeUsage(pid: number): { rssKb: number; cpuTicks: number } {
    let rssKb = 0;
    let cpuTicks = 0;
    const walk = (p: number, root: boolean) => {
        try {
            const status = fs.readFileSync(`/proc/${p}/status`, "utf8");
            rssKb += Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
            // Fields after the command's closing parenthesis: utime is the 12th, cstime the 15th.
            const stat = fs.readFileSync(`/proc/${p}/stat`, "utf8");
            const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
            cpuTicks += Number(f[11]) + Number(f[12]) + (root ? Number(f[13]) + Number(f[14]) : 0);
            for (const task of fs.readdirSync(`/proc/${p}/task`))
                for (const child of fs
                    .readFileSync(`/proc/${p}/task/${task}/children`, "utf8")
                    .split(" ")
                    .filter(Boolean))
                    walk(Number(child), false);
        } catch {
            // The process ended between two reads.
        }
    };
    walk(pid, true);
    return { rssKb, cpuTicks };
}

/** Linux's USER_HZ, the unit of /proc's CPU times. */
const TICKS_PER_SECOND = 100;

export interface OrgRun {
    readonly accounts: number;
    readonly stacks: number;
    readonly exitCode: number | null;
    readonly wallMs: number;
    /** Peak of the sum of the tree's resident memory, sampled every 20 ms. */
    readonly peakTreeMb: number;
    /** CPU time of the whole tree (the plan and its workers), up to the last sample. */
    readonly cpuS: number;
    /** How many stacks' proofs all hold, and each proof that does not, with the stacks it fails in. */
    readonly proofsHeldIn: number;
    readonly failedProofs: ReadonlyMap<string, number>;
    /** The engine lines: providers and estimated peak, for the security stack and the largest shard. */
    readonly engine: readonly string[];
    readonly stderrTail: string;
}

/** Plans every stack of an onboarded organization of `n` accounts with `npm start`'s command. */
export async function planOrganization(n: number, workers?: number): Promise<OrgRun> {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "org-access-org-"));
    try {
        const shards = onboardOrganization(root, organizationAccounts(n));
        installProgram(root);
        const out = path.join(root, "plan.txt");
        const fd = fs.openSync(out, "w");
        const t0 = process.hrtime.bigint();
        // --verbose: every stack's proofs and engine lines, which the figures below are read from
        // (the default summary folds the stacks without change into one line).
        const child = spawn(
            process.execPath,
            [path.join(root, "dist", "plan", "cli.js"), "--verbose"],
            {
                cwd: root,
                stdio: ["ignore", fd, "pipe"],
                env: {
                    ...process.env,
                    ...(workers !== undefined ? { ORG_ACCESS_PLAN_WORKERS: String(workers) } : {}),
                },
            },
        );
        let stderr = "";
        child.stderr?.setEncoding("utf8");
        child.stderr?.on("data", (d: string) => (stderr = (stderr + d).slice(-2000)));
        let peak = 0;
        let ticks = 0;
        const timer = setInterval(() => {
            if (!child.pid) return;
            const usage = treeUsage(child.pid);
            peak = Math.max(peak, usage.rssKb);
            ticks = Math.max(ticks, usage.cpuTicks);
        }, 20);
        const exitCode = await new Promise<number | null>((resolve) => child.on("exit", resolve));
        const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
        clearInterval(timer);
        fs.closeSync(fd);
        const text = fs.readFileSync(out, "utf8");
        const failed = new Map<string, number>();
        for (const m of text.matchAll(/^ {2}FAIL {2}([a-z-]+): /gm))
            failed.set(m[1], (failed.get(m[1]) ?? 0) + 1);
        const held = [...text.matchAll(/^proofs: (\d+) of (\d+) hold$/gm)].filter(
            (m) => m[1] === m[2],
        ).length;
        const engine = [...text.matchAll(/^stack (\S+) .*$|^engine: .*$/gm)].map((m) => m[0]);
        const pick: string[] = [];
        for (let i = 0; i + 1 < engine.length; i++)
            if (/^stack (security|workload-001) /.test(engine[i]))
                pick.push(`${engine[i].split(" ")[1]}: ${engine[i + 1].replace(/^engine: /, "")}`);
        return {
            accounts: n,
            stacks: shards.length + 1,
            exitCode,
            wallMs,
            peakTreeMb: peak / 1024,
            cpuS: ticks / TICKS_PER_SECOND,
            proofsHeldIn: held,
            failedProofs: failed,
            engine: pick,
            stderrTail: stderr,
        };
    } finally {
        fs.rmSync(root, { recursive: true, force: true });
    }
}
