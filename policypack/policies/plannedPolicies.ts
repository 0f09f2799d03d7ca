/**
 * The stack's customer-managed policies (aws.iam.Policy), read for judging the permissions
 * boundaries that conditions pin (iam/boundaries.ts). A value the engine does not know yet (during
 * preview) is read as "not known", never thrown: an unknown boundary document caps nothing, and
 * the rest of a stack check must still run.
 */
import { PlannedPolicies, PlannedPolicy } from "../iam";
import { policyArn } from "../model/principals";
import { ModelResource } from "../model/resources";
import { known, readDocument } from "./common";
import { T } from "./types";

export function plannedPolicies(resources: readonly ModelResource[]): PlannedPolicies {
    const out: PlannedPolicy[] = [];
    for (const r of resources) {
        if (r.type !== T.Policy) continue;
        // A policy whose name, path or account is not known yet cannot be the one an ARN names;
        // nor can one without a literal `name` (namePrefix or auto-naming: its IAM name is generated,
        // see policyArn) until its `arn` output resolves.
        const where = known(() => ({ arn: policyArn(r), account: r.accountId }));
        if ("unknown" in where || where.value.arn === undefined) continue;
        const read = known(() => {
            const value = r.props.policy;
            return {
                set: value !== undefined && value !== null && value !== "",
                doc: readDocument(value, "identity"),
            };
        });
        const at = { arn: where.value.arn, account: where.value.account };
        if ("unknown" in read)
            out.push({
                ...at,
                unknown: "it is unknown until the resources it depends on exist",
            });
        else if (!read.value.doc)
            out.push({
                ...at,
                unknown: read.value.set
                    ? "IAM would reject it (iam-policy-document-valid)"
                    : "it is empty",
            });
        else out.push({ ...at, doc: read.value.doc });
    }
    return new PlannedPolicies(out);
}
