/**
 * audit-role-per-workload-account (mandatory): every configured workload account gets its audit
 * role, created through the AuditRole component with a provider pinned to that account.
 * Configure `workloadAccountIds` (the offline plan passes them); with none configured the policy
 * is not applicable.
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { T } from "./types";
import { AUDIT_ROLE_TYPE } from "../componentTypes";
import { fromPolicyResources } from "../model/policyResources";
import { ofType } from "../model/references";
import { arnAccount, ModelResource } from "../model/resources";

export const NAME = "audit-role-per-workload-account";

interface Config {
    workloadAccountIds: string[];
    roleName: string;
    componentType: string;
}

/** The account a resource deploys to: the account of its ARN, else the one it lands in from its provider. */
export function accountOf(r: ModelResource): string | undefined {
    return arnAccount(r.props.arn) ?? r.accountId;
}

export const auditRolePerWorkloadAccount: StackValidationPolicy = {
    name: NAME,
    description:
        "Every configured workload account has its audit role, created by the AuditRole component in that account.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            workloadAccountIds: {
                type: "array",
                items: { type: "string", pattern: "^\\d{12}$" },
                default: [],
                description: "Workload account ids that must each have an audit role.",
            },
            roleName: {
                type: "string",
                default: "SecurityAuditRole",
                description: "IAM name of the audit role.",
            },
            componentType: {
                type: "string",
                default: AUDIT_ROLE_TYPE,
                description:
                    "Type of the component that must own each audit role (empty string: do not check).",
            },
        },
    },
    validateStack: (args, report) => {
        const { workloadAccountIds, roleName, componentType } = args.getConfig<Config>();
        const accounts = workloadAccountIds ?? [];
        if (accounts.length === 0) args.notApplicable("no workloadAccountIds configured");
        const roles = ofType(fromPolicyResources(args.resources), T.Role).filter(
            (r) =>
                typeof r.props.name === "string" &&
                r.props.name.toLowerCase() === (roleName ?? "SecurityAuditRole").toLowerCase(),
        );
        for (const account of accounts) {
            const inAccount = roles.filter((r) => accountOf(r) === account);
            if (inAccount.length === 0) {
                report(
                    `Workload account ${account} has no "${roleName}" role in this stack. Fix: create an AuditRole component for it, with a provider whose allowedAccountIds is ["${account}"].`,
                );
                continue;
            }
            if (!componentType) continue;
            for (const r of inAccount) {
                if (r.parent?.type !== componentType) {
                    report(
                        `Role "${roleName}" for workload account ${account} ("${r.name}") is not created by a ${componentType} component (its parent is ${r.parent ? `${r.parent.type} "${r.parent.name}"` : "the stack"}). Fix: create it through the component so it gets the reviewed trust and permission policies.`,
                        r.urn,
                    );
                }
            }
        }
    },
};
