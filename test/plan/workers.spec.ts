import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { exitCodeOf } from "../../cli/exitCodes";
import { main } from "../../plan/cli";
import { StacksNotPlannedError } from "../../plan/errors";
import { runPlan } from "../../plan/offline";
import { toJson } from "../../plan/render";
import { exampleProject, exampleWorkloadValues } from "../helpers/preview";
import { MIN_STACKS_FOR_WORKERS, startWorkers, WORKERS_ENV, workerCount } from "../../plan/workers";
import { isolatePlanState } from "../helpers/planState";

/**
 * The project these plans read (-C, runPlan's root): the example-like stacks plus one account the
 * repository's own files do not have, so a worker that read any other folder's files would differ.
 */
const ROOT = exampleProject({
    workload: {
        workloadAccounts: [
            ...(exampleWorkloadValues().workloadAccounts as unknown[]),
            { name: "sandbox", accountId: "210987654321" },
        ],
    },
});

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    const code = await main(
        ["-C", ROOT, ...argv],
        { write: (s) => (out += s) },
        { write: (s) => (err += s) },
    );
    return { code, out, err };
}

/** A worker entry point that dies, as one out of memory or killed would, once given a stack. */
function dyingWorker(): string {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "org-access-worker-")), "w.js");
    fs.writeFileSync(
        file,
        'process.on("message", (m) => { if (m.type === "plan") { process.stderr.write("FATAL ERROR: heap out of memory\\n"); process.exit(134); } });\n',
    );
    return file;
}

describe("planning stacks in worker processes", () => {
    // npm start saves each plan for the next to compare with: in a folder of these tests' own.
    isolatePlanState();

    it("gives the same plan as one process, in the same order", async () => {
        const stacks = ["security", "workload"];
        const inProcess = toJson(await runPlan({ stacks, workers: 1, root: ROOT }));
        const inWorkers = toJson(await runPlan({ stacks, workers: 2, root: ROOT }));
        assert.deepStrictEqual(inWorkers, inProcess);
        // The workers planned the -C folder's files: its extra account is there.
        const workload = (
            inWorkers as { stacks: { stack: string; resources: { name: string }[] }[] }
        ).stacks[1];
        assert.ok(workload.resources.some((r) => r.name === "acct-210987654321-role"));
        assert.deepStrictEqual(
            (inWorkers as { stacks: { stack: string }[] }).stacks.map((s) => s.stack),
            stacks,
        );
    });

    it("the access model, not sent by the workers, is rebuilt for the report", async () => {
        const [one] = await runPlan({
            stacks: ["security", "workload"],
            workers: 1,
            root: ROOT,
        }).then((p) => p.filter((s) => s.result.stack === "workload"));
        const [two] = await runPlan({
            stacks: ["security", "workload"],
            workers: 2,
            root: ROOT,
        }).then((p) => p.filter((s) => s.result.stack === "workload"));
        assert.deepStrictEqual(two.model, one.model);
    });

    it("npm start --workers 2 prints what --workers 1 prints", async () => {
        const one = await run("--json", "--workers", "1");
        const two = await run("--json", "--workers", "2");
        assert.strictEqual(two.code, one.code);
        assert.strictEqual(two.out, one.out);
        assert.strictEqual(two.err, one.err);
        for (const s of JSON.parse(two.out).stacks)
            assert.ok(s.engine.providers >= 1 && s.engine.estimatedPeakMemoryMb > 0, s.stack);
    });

    it("a stack a worker cannot read is refused with exit 2 and its own message, with every other stack's problem", async () => {
        const error = await runPlan({
            stacks: ["security", "workload-no-such-shard", "workload", "workload-nor-this"],
            workers: 2,
            root: ROOT,
        }).then(
            () => assert.fail("planned"),
            (e: unknown) => e,
        );
        assert.ok(error instanceof StacksNotPlannedError, String(error));
        assert.deepStrictEqual(
            error.failures.map((f) => [f.stack, f.code]),
            [
                ["workload-no-such-shard", 2],
                ["workload-nor-this", 2],
            ],
        );
        const { code, message } = exitCodeOf(error);
        assert.strictEqual(code, 2);
        assert.match(message, /Pulumi\.workload-no-such-shard\.yaml/);
        assert.match(message, /Pulumi\.workload-nor-this\.yaml/);
    });

    it("a worker that dies ends the plan with exit 1, the stack it was planning and what it wrote: never a hang", async () => {
        const pool = startWorkers(2, dyingWorker());
        const error = await pool.plan(["security", "workload"], undefined, {}).then(
            () => assert.fail("planned"),
            (e: unknown) => e,
        );
        assert.ok(error instanceof StacksNotPlannedError, String(error));
        const { code, message } = exitCodeOf(error);
        assert.strictEqual(code, 1);
        assert.match(message, /planning stack "(security|workload)" exited with code 134/);
        assert.match(message, /heap out of memory/);
        assert.match(message, new RegExp(`${WORKERS_ENV}=1`));
    });

    it("worker count: the option, else the environment, else one per CPU from a few stacks on; never more than the stacks", () => {
        assert.strictEqual(workerCount(100, 3, {}), 3);
        assert.strictEqual(workerCount(2, 3, {}), 2);
        assert.strictEqual(workerCount(100, undefined, { [WORKERS_ENV]: "1" }), 1);
        assert.strictEqual(workerCount(100, 2, { [WORKERS_ENV]: "5" }), 2);
        assert.strictEqual(workerCount(MIN_STACKS_FOR_WORKERS - 1, undefined, {}), 1);
        const auto = workerCount(1000, undefined, {});
        assert.ok(auto >= 1 && auto <= os.availableParallelism());
        assert.throws(
            () => workerCount(10, undefined, { [WORKERS_ENV]: "two" }),
            new RegExp(`${WORKERS_ENV} must be a whole number`),
        );
    });

    it("--workers takes a whole number of at least 1 (exit 2)", async () => {
        for (const bad of ["0", "1.5", "x"]) {
            const { code, err } = await run("--workers", bad);
            assert.strictEqual(code, 2, bad);
            assert.match(err, /--workers must be a whole number/);
        }
    });
});
