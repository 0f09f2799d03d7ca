// The plan's final line (cli/verdict.ts): `ok: 3 stacks, 0 violations, 60/60 scenarios, 8/8
// proofs`, or what failed, counted over every planned stack; the exit code (planExitCode, and the
// --against role errors) is 1 exactly when it says "failed".
import { count, verdictLine } from "../cli/verdict";
import { Palette } from "../cli/colour";
import { failedProofs } from "../evidence/proofs";
import { mismatches } from "../evidence/simulate";
import { StackPlan } from "./offline";

export function planVerdict(
    plans: readonly StackPlan[],
    roleErrors: number,
    palette: Palette,
): string {
    const violations = plans.flatMap((p) => p.violations);
    const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
    const advisory = violations.length - mandatory;
    const scenarios = plans.reduce((n, p) => n + p.evidence.length, 0);
    const mismatched = plans.reduce((n, p) => n + mismatches(p.evidence).length, 0);
    const proofs = plans.reduce((n, p) => n + p.proofs.length, 0);
    const unproved = plans.flatMap((p) => failedProofs(p.proofs));
    const ok = mandatory === 0 && mismatched === 0 && unproved.length === 0 && roleErrors === 0;
    return verdictLine(
        ok,
        [
            count(plans.length, "stack"),
            violations.length === 0
                ? "0 violations"
                : `${count(mandatory, "mandatory violation")}${advisory > 0 ? ` (${advisory} advisory)` : ""}`,
            `${scenarios - mismatched}/${scenarios} scenarios`,
            `${proofs - unproved.length}/${proofs} proofs${
                unproved.length > 0
                    ? ` (${[...new Set(unproved.map((p) => p.id))].join(", ")} do not hold)`
                    : ""
            }`,
            ...(roleErrors > 0
                ? [
                      count(
                          roleErrors,
                          "role deleted and created again",
                          "roles deleted and created again",
                      ),
                  ]
                : []),
        ],
        palette,
    );
}
