/**
 * iam-passrole-scoped (advisory): iam:PassRole names the roles that may be passed. PassRole on any
 * role lets a principal hand any role (including an admin one) to a service; together with a
 * compute action that is admin-equivalent and caught by iam-no-admin-grants, alone it is a
 * standing escalation risk.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { passRoleStatements, statementLabel } from "../iam";
import { onIdentityDocuments } from "./documents";

export const NAME = "iam-passrole-scoped";

export const iamPassRoleScoped: ResourceValidationPolicy = {
    name: NAME,
    description: "iam:PassRole is granted on named roles only, not on every role.",
    enforcementLevel: "advisory",
    validateResource: onIdentityDocuments((doc, where, report) => {
        for (const s of passRoleStatements(doc)) {
            const on = s.notResource
                ? `every resource except ${s.notResource.join(", ")}`
                : (s.resource ?? ["*"]).join(", ");
            const scoped = s.conditions.some((c) => c.keyLower === "iam:passedtoservice");
            report(
                `${where} ${statementLabel(s)} allows iam:PassRole on ${on}, i.e. on any role. ` +
                    `Fix: list the exact role ARNs that may be passed${scoped ? "" : ` and add "StringEquals": {"iam:PassedToService": "<service>.amazonaws.com"}`}.`,
            );
        }
    }),
};
