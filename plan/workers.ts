// Plans stacks in worker processes: each worker is a Node.js process of its own (plan/worker.ts)
// that receives the security stack's plan once, then one stack at a time, and sends back what
// plan/offline.ts's evaluateStack says of it. Processes rather than threads: a worker that crashes
// or runs out of memory takes nothing else down and is reported, and its memory is returned when
// it exits. The order of the results is the order of the stacks asked for, whichever worker
// finishes first.
import { ChildProcess, fork } from "child_process";
import * as os from "os";
import * as path from "path";
import { UsageError } from "../cli/errors";
import { accessModel, AccessModel } from "../evidence/model";
import { PackConfigInput } from "../policypack/runner";
import { StacksNotPlannedError, StackFailure } from "./errors";
import type { StackPlan } from "./offline";
import type { PlanResult } from "./run";

/** Overrides the number of workers: `ORG_ACCESS_PLAN_WORKERS=1` plans everything in one process. */
export const WORKERS_ENV = "ORG_ACCESS_PLAN_WORKERS";

/**
 * Memory one worker may take at its peak: the largest measured is 370 MB, a worker that planned
 * ten-account shards of a 1,000-account organization (docs/BENCHMARKS.md). The default count
 * leaves half of the machine's memory to everything else.
 */
export const WORKER_MEMORY_MB = 512;

/** A stack plan as a worker sends it: everything but the access model, rebuilt here on demand. */
export type SentPlan = Omit<StackPlan, "model">;

/** From this process to a worker. */
export type ToWorker =
    | {
          readonly type: "init";
          readonly security?: PlanResult;
          readonly packConfig: PackConfigInput;
          /** The project folder of the stack files (PlanOptions.root); absent: this project's. */
          readonly root?: string;
      }
    | { readonly type: "plan"; readonly stack: string };

/** From a worker to this process. */
export type FromWorker =
    | { readonly type: "planned"; readonly stack: string; readonly plan: SentPlan }
    | {
          readonly type: "failed";
          readonly stack: string;
          readonly code: number;
          readonly message: string;
          readonly problems?: StackFailure["problems"];
      };

/**
 * Below this many stacks the default is one process: a worker takes about 0.45 s of CPU to load
 * the Pulumi SDK, the AWS package, the program and the pack (plan/lazySdk.ts defers what the plan
 * never calls) and its first stack runs cold, while the example's two stacks plan in about a
 * second in this process.
 */
export const MIN_STACKS_FOR_WORKERS = 4;

/**
 * How many workers plan `jobs` stacks: `requested` (the --workers option), else ORG_ACCESS_PLAN_WORKERS,
 * else, from MIN_STACKS_FOR_WORKERS stacks on, one per CPU the process may use
 * (os.availableParallelism(): the work is CPU-bound) but no more than half the machine's memory
 * holds at WORKER_MEMORY_MB each; never more than the stacks.
 */
export function workerCount(
    jobs: number,
    requested?: number,
    env: NodeJS.ProcessEnv = process.env,
): number {
    let asked = requested;
    if (asked === undefined && env[WORKERS_ENV] !== undefined) {
        asked = Number(env[WORKERS_ENV]);
        if (!Number.isSafeInteger(asked) || asked < 1)
            throw new UsageError(
                `${WORKERS_ENV} must be a whole number of worker processes, at least 1 (got "${env[WORKERS_ENV]}")`,
            );
    }
    const byMemory = Math.max(1, Math.floor(os.totalmem() / 2 / (WORKER_MEMORY_MB * 2 ** 20)));
    const auto = jobs < MIN_STACKS_FOR_WORKERS ? 1 : Math.min(os.availableParallelism(), byMemory);
    return Math.max(1, Math.min(asked ?? auto, jobs));
}

/** The worker's module, run as it is run here: the built JavaScript, or TypeScript under ts-node (tests). */
const WORKER_MODULE = path.join(__dirname, `worker${path.extname(__filename)}`);

function execArgvFor(module: string): string[] {
    return module.endsWith(".ts") ? ["-r", "ts-node/register/transpile-only"] : [];
}

/** The last lines a worker wrote to stderr, for the message when it dies. */
const STDERR_KEPT = 4000;

export interface WorkerPool {
    /** Plans `stacks` (the security stack's program already run: `security`), in that order. */
    plan(
        stacks: readonly string[],
        security: PlanResult | undefined,
        packConfig: PackConfigInput,
        root?: string,
    ): Promise<StackPlan[]>;
    /** Ends every worker: after the plan, or when the security stack's program failed. */
    close(): void;
}

/**
 * Starts `count` workers at once, so that they load their modules while this process runs the
 * security stack's program. `module` is the worker's entry point (a test passes one that crashes).
 */
export function startWorkers(count: number, module: string = WORKER_MODULE): WorkerPool {
    const children: { child: ChildProcess; stderr: string }[] = [];
    for (let i = 0; i < count; i++) {
        const child = fork(module, [], {
            // Structured clone: a plan's `undefined` outputs and nested values arrive as they left.
            serialization: "advanced",
            execArgv: execArgvFor(module),
            stdio: ["ignore", "ignore", "pipe", "ipc"],
        });
        const entry = { child, stderr: "" };
        child.stderr?.setEncoding("utf8");
        child.stderr?.on("data", (d: string) => {
            entry.stderr = (entry.stderr + d).slice(-STDERR_KEPT);
        });
        children.push(entry);
    }
    let closed = false;
    const close = () => {
        closed = true;
        for (const { child } of children) {
            if (child.connected) child.disconnect();
            if (child.exitCode === null && child.signalCode === null) child.kill();
        }
    };
    const plan = (
        stacks: readonly string[],
        security: PlanResult | undefined,
        packConfig: PackConfigInput,
        root?: string,
    ) =>
        new Promise<StackPlan[]>((resolve, reject) => {
            const queue = [...stacks];
            const planned = new Map<string, StackPlan>();
            const failures: StackFailure[] = [];
            const busy = new Map<ChildProcess, string>();
            let settled = false;
            const finish = (error?: Error) => {
                if (settled) return;
                settled = true;
                close();
                if (error) reject(error);
                else if (failures.length > 0)
                    reject(
                        new StacksNotPlannedError(
                            // In the order asked for, as an in-process plan would meet them.
                            stacks.flatMap((s) => failures.filter((f) => f.stack === s)),
                        ),
                    );
                else resolve(stacks.map((s) => planned.get(s)!));
            };
            const next = (child: ChildProcess) => {
                const stack = queue.shift();
                if (stack === undefined) {
                    busy.delete(child);
                    if (busy.size === 0) finish();
                    return;
                }
                busy.set(child, stack);
                child.send({ type: "plan", stack } satisfies ToWorker);
            };
            for (const entry of children) {
                const { child } = entry;
                child.on("message", (m: FromWorker) => {
                    if (m.type === "planned") planned.set(m.stack, received(m.plan, security));
                    else
                        failures.push({
                            stack: m.stack,
                            code: m.code,
                            message: m.message,
                            ...(m.problems ? { problems: m.problems } : {}),
                        });
                    next(child);
                });
                // A worker that dies (a crash, out of memory, killed) ends the plan: never a hang.
                child.on("exit", (code, signal) => {
                    if (settled || closed) return;
                    const stack = busy.get(child);
                    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
                    const said = entry.stderr.trim();
                    finish(
                        new StacksNotPlannedError([
                            {
                                stack: stack ?? "(none)",
                                code: 1,
                                message: `the worker process ${child.pid} planning ${stack ? `stack "${stack}"` : "no stack yet"} ${how}${said ? `; it wrote:\n${said}` : ""}\n(rerun with ${WORKERS_ENV}=1 to plan in one process)`,
                            },
                        ]),
                    );
                });
                child.on("error", (e) => finish(e));
                child.send({ type: "init", security, packConfig, root } satisfies ToWorker);
            }
            for (const { child } of children) next(child);
        });
    return { plan, close };
}

/**
 * A worker's plan with its access model, rebuilt from the plans it was simulated over when
 * something reads it (the report): the model is not sent, being large and needed only there.
 */
function received(plan: SentPlan, security: PlanResult | undefined): StackPlan {
    let model: AccessModel | undefined;
    return Object.defineProperty({ ...plan } as StackPlan, "model", {
        enumerable: true,
        get: () =>
            (model ??= accessModel({
                stack: plan.result,
                security: plan.result.stack === "security" ? plan.result : security,
            })),
    });
}
