// The proofs of a plan: one file per property, each over everything of its kind that the plan
// contains. See types.ts for the contract and docs/proofs.md for what each one means.
import { parseStackName } from "../../stacks/names";
import { auditNoDataRead } from "./audit-no-data-read";
import { auditNoWrite } from "./audit-no-write";
import { ciPreviewCannotDeploy } from "./ci-preview-cannot-deploy";
import { humansNeedMfa } from "./humans-need-mfa";
import { logsImmutable } from "./logs-immutable";
import { noOutsidePrincipal } from "./no-outside-principal";
import { onlyBreakGlassReachesAdmin } from "./only-break-glass-reaches-admin";
import { withinIamQuotas } from "./within-iam-quotas";
import { Proof, ProofInput, ProofResult } from "./types";

export type { Counterexample, Proof, ProofId, ProofInput, ProofResult } from "./types";

/** Every proof, in the order the plan and the report show them. */
export const PROOFS: readonly Proof[] = [
    auditNoWrite,
    auditNoDataRead,
    humansNeedMfa,
    noOutsidePrincipal,
    onlyBreakGlassReachesAdmin,
    ciPreviewCannotDeploy,
    logsImmutable,
    withinIamQuotas,
];

/** Runs every proof that applies to the stack's kind. */
export function runProofs(input: ProofInput, proofs: readonly Proof[] = PROOFS): ProofResult[] {
    return proofs
        .filter((p) => p.appliesTo.includes(input.kind) && (p.appliesWhen?.(input) ?? true))
        .map((p) => {
            const outcome = p.prove(input);
            return {
                id: p.id,
                statement: p.statement,
                holds: outcome.checked > 0 && outcome.counterexamples.length === 0,
                checked: outcome.checked,
                unit: p.unit,
                counterexamples: outcome.counterexamples,
                assumptions: outcome.assumptions ?? [],
            };
        });
}

/** The kind of a planned stack, from its name (stacks/names.ts). */
export function stackKind(stack: string): ProofInput["kind"] {
    return parseStackName(stack).kind;
}

/** Proofs that do not hold. */
export function failedProofs(results: readonly ProofResult[]): ProofResult[] {
    return results.filter((r) => !r.holds);
}
