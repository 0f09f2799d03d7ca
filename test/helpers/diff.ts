// Plans as `--against` reads them: the plan's own --json rendering of a planned stack, and the
// diff of plans made now against it.
import { parseAgainst } from "../../plan/against";
import { diffAgainst, StackDiff } from "../../plan/diff";
import { StackPlan } from "../../plan/offline";
import { toJson } from "../../plan/render";
import { PlanResult, PROJECT } from "../../plan/run";

/** The --json document of planned stacks (their resources: the diff reads nothing else). */
export function planJson(...results: PlanResult[]): unknown {
    const plans = results.map(
        (result) =>
            ({
                result,
                evidence: [],
                proofs: [],
                violations: [],
                warnings: [],
            }) as unknown as StackPlan,
    );
    // Through JSON text, as a file written by `npm start -- --json` is read back.
    return JSON.parse(JSON.stringify(toJson(plans)));
}

/** The diff of `after` against `before` (a plan's JSON, or an export), stack by stack. */
export function diffOf(before: unknown, ...after: PlanResult[]): StackDiff[] {
    return diffAgainst(parseAgainst(before, "before.json", PROJECT), after, "before.json");
}

/** The only stack's diff, with its counts checked by the caller. */
export function onlyDiff(before: unknown, after: PlanResult): StackDiff {
    const [diff] = diffOf(before, after);
    return diff;
}
