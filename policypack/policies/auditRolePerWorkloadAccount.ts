/**
 * audit-role-per-workload-account (mandatory): every configured workload account gets its audit
 * role, created through the AuditRole component with a provider pinned to that account.
 * Configure `workloadAccountIds` (the offline plan passes them); with none configured the policy
 * is not applicable.
 */
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { parseArn } from "../iam";
import { objectArray, stringArray } from "./common";
import { T } from "./types";
import { AUDIT_ROLE_TYPE } from "../componentTypes";

export const NAME = "audit-role-per-workload-account";

interface Config {
    workloadAccountIds: string[];
    roleName: string;
    componentType: string;
}

/** The account a resource deploys to: its provider's single allowed account, its ARN, or the assumed role's account. */
export function accountOf(r: PolicyResource): string | undefined {
    const arn = r.props.arn;
    if (typeof arn === "string") {
        const a = parseArn(arn);
        if (a && /^\d{12}$/.test(a.account)) return a.account;
    }
    const props = r.provider?.props;
    if (!props) return undefined;
    const ids = stringArray(props.allowedAccountIds);
    if (ids.length === 1) return ids[0];
    for (const role of objectArray(props.assumeRoles)) {
        const a = typeof role.roleArn === "string" ? parseArn(role.roleArn) : undefined;
        if (a && /^\d{12}$/.test(a.account)) return a.account;
    }
    return undefined;
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
        const roles = args.resources.filter(
            (r) =>
                r.type === T.Role &&
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
