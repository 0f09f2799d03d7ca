/**
 * iam-no-escalation-actions (advisory): single actions that take over other principals' power when
 * granted on every resource, such as lambda:UpdateFunctionCode (run code as any function's role),
 * ssm:SendCommand, codebuild:StartBuild or sts:AssumeRole on "*". Advisory because deployment
 * roles legitimately hold some of them; the IAM ones are admin-equivalent and caught by
 * iam-no-admin-grants.
 * https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { findSingleActionEscalations, SINGLE_ACTION_ESCALATIONS, statementLabel } from "../iam";
import { onIdentityDocuments } from "./documents";

export const NAME = "iam-no-escalation-actions";

export const iamNoEscalationActions: ResourceValidationPolicy = {
    name: NAME,
    description:
        "No single-action privilege escalations (lambda:UpdateFunctionCode, ssm:SendCommand, sts:AssumeRole, ...) on every resource.",
    enforcementLevel: "advisory",
    configSchema: {
        properties: {
            actions: {
                type: "array",
                items: { type: "string", pattern: "^[A-Za-z0-9-]+:[A-Za-z0-9]+$" },
                default: SINGLE_ACTION_ESCALATIONS.map((e) => e.action),
                description: "Actions treated as escalations when granted on every resource.",
            },
        },
    },
    validateResource: onIdentityDocuments((doc, where, report, config) => {
        const actions = Array.isArray(config.actions)
            ? (config.actions as string[])
            : SINGLE_ACTION_ESCALATIONS.map((e) => e.action);
        for (const f of findSingleActionEscalations(doc, actions)) {
            report(
                `${where} ${statementLabel(f.statement)} allows ${f.actions.map((a) => `${a.action} (${a.effect})`).join(", ")} on every resource of that kind. ` +
                    `Fix: restrict Resource to the specific functions, instances, projects or roles this principal must act on.`,
            );
        }
    }),
};
