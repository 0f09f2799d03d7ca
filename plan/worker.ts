// A worker process of the offline plan (plan/workers.ts starts it): receives the security stack's
// plan and the pack's config once, then plans one stack per message and answers with what
// plan/offline.ts's evaluateStack says of it, or with the error's exit code and message. It ends
// when the parent disconnects.
// First: @pulumi/pulumi's automation API, closure serialization (TypeScript) and code paths (arborist) load only if something uses them.
import "./lazySdk";
import { exitCodeOf, problemsOf } from "../cli/exitCodes";
import { needsSecurityOutputs, planStack, PlanResult } from "./run";
import { evaluateStack, SecurityContext, securityContext, StackPlan } from "./offline";
import type { FromWorker, SentPlan, ToWorker } from "./workers";
import type { PackConfigInput } from "../policypack/runner";

let security: SecurityContext | undefined;
let packConfig: PackConfigInput = {};
let root: string | undefined;

/** The stack's plan: the security stack's was run by the parent; a workload stack's program runs here. */
async function planned(stack: string): Promise<PlanResult> {
    if (stack === "security" && security) return security.plan;
    const { needed, stackName } = needsSecurityOutputs(stack, undefined, root);
    return planStack({
        stack,
        root,
        stackOutputs: needed && security ? { [stackName]: security.plan.outputs } : undefined,
    });
}

async function handle(message: ToWorker): Promise<FromWorker | undefined> {
    if (message.type === "init") {
        // Converted once for every stack this worker plans (the proofs' view of the security stack).
        security = message.security && securityContext(message.security);
        packConfig = message.packConfig;
        root = message.root;
        return undefined;
    }
    const { stack } = message;
    try {
        const full: { -readonly [K in keyof StackPlan]?: StackPlan[K] } = evaluateStack(
            await planned(stack),
            security,
            packConfig,
            undefined,
            root,
        );
        // The access model stays here: large, and the parent rebuilds it only for a report.
        delete full.model;
        return { type: "planned", stack, plan: full as SentPlan };
    } catch (e) {
        const { code, message: text } = exitCodeOf(e);
        return { type: "failed", stack, code, message: text, problems: problemsOf(e) };
    }
}

// One message at a time, in order: the mock runtime is one per process.
let chain = Promise.resolve();
process.on("message", (message: ToWorker) => {
    chain = chain.then(async () => {
        const reply = await handle(message);
        if (reply) process.send!(reply);
    });
});
process.on("disconnect", () => process.exit(0));
