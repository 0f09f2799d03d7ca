// Admin equivalence of a principal, decided by the one evaluator's rule (policypack/iam/admin.ts
// findAdminGrants) and the generated list of admin-equivalent AWS-managed policies.
import { findAdminGrants, NamedPolicy, statementLabel } from "../../policypack/iam";
import { adminEquivalentManagedPolicy } from "../../policypack/iam/managed";

/**
 * Why a set of identity policies is admin-equivalent, if it is. Managed policies without a
 * document in the model are taken to be admin-equivalent: nothing unread is assumed safe.
 */
export function adminReason(
    identity: readonly NamedPolicy[],
    managed: readonly string[],
): { admin?: string; adminStatements?: string[] } {
    for (const p of identity) {
        const [finding] = findAdminGrants(p.doc);
        if (finding) {
            const label = `${p.label} ${statementLabel(finding.statement)}`;
            return { admin: `${label}: ${finding.detail}`, adminStatements: [label] };
        }
    }
    for (const arn of managed) {
        const admin = adminEquivalentManagedPolicy(arn);
        if (admin)
            return {
                admin: `${arn} is admin-equivalent (${admin.reason})`,
                adminStatements: [`managed policy ${arn}`],
            };
    }
    const unknown = managed.find((arn) => !adminEquivalentManagedPolicy(arn));
    return unknown
        ? {
              admin: `${unknown} has no document in the model, so it is taken to be admin-equivalent`,
              adminStatements: [`managed policy ${unknown}`],
          }
        : {};
}
