// audit-no-data-read: every audit role, with its managed policies, its inline Deny and the SCPs
// that bind its account, is allowed no action of the reviewed data-read table
// (components/data/data-read-actions.json `actions`, checked against every action of iam-data by
// test/components/dataReads.spec.ts).
//
// Workload stacks, and the security stack with Identity Center (the roles of the permission sets
// assigned to the audit groups), for the reasons audit-no-write gives.
import dataReads from "../../components/data/data-read-actions.json";
import { contextText, grantOf, SWEEP_ASSUMPTIONS, sweepOutcome } from "./sweep";
import type { Proof } from "./types";

/** The reviewed data reads, `service:Action` to the reason's key (`item`, `log`, `cred`...). */
export const DATA_READS: Readonly<Record<string, string>> = dataReads.actions;

export const auditNoDataRead: Proof = {
    id: "audit-no-data-read",
    statement: "every audit role is allowed no action of the reviewed data-read table",
    unit: "role-action pairs",
    // The security stack plans audit roles only as the roles of the permission sets assigned to
    // identityCenter.auditGroups: with Identity Center on, the proof runs and fails if none is.
    appliesTo: ["workload", "security"],
    appliesWhen: (input) => input.kind === "workload" || input.outputs.identityCenter !== undefined,
    prove(input) {
        const actions = Object.keys(DATA_READS);
        const reasons = dataReads.reasons as Readonly<Record<string, string>>;
        const { checked, counterexamples } = sweepOutcome(
            input.model,
            actions,
            (f) =>
                `the audit role may ${f.action}, which reads ${reasons[DATA_READS[f.action]] ?? "data"}${contextText(f)}${f.undecided ? " (as far as the search could tell)" : ""}: keep it in the role's inline Deny (components/data/data-read-actions.json, npm run update:data-reads) and remove the grant from ${grantOf(f)}`,
            input.kind === "security",
        );
        return {
            checked,
            counterexamples,
            assumptions: [
                `the data reads are the ${actions.length} reviewed actions of components/data/data-read-actions.json (${dataReads.source})`,
                ...SWEEP_ASSUMPTIONS,
            ],
        };
    },
};
