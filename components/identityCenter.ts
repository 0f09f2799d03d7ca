import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { IDENTITY_CENTER_ACCESS_TYPE } from "../policypack/componentTypes";
import { accountResourceName } from "../stacks/resourceNames";
import { auditDenyPolicy, managedPolicyArn } from "./auditRole";
import { dutyRoleDefinition, DutyKind } from "./dutyRoles";
import {
    AUDIT_PERMISSION_SET,
    BREAK_GLASS_PERMISSION_SET,
    INCIDENT_RESPONSE_PERMISSION_SET,
} from "../config/schema/identityCenter";
import { requireProvider } from "./componentOptions";

/**
 * Every permission set's session: one hour, like the audit and duty roles. An ISO 8601 duration,
 * as CreatePermissionSet takes it.
 * https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_CreatePermissionSet.html
 */
export const PERMISSION_SET_SESSION = "PT1H";

/** What one permission set holds: the same policies as the IAM role it stands in for. */
export interface PermissionSetDefinition {
    /** Short id; names its resources (`<component>-<id>`). */
    readonly id: "audit" | "incident-response" | "break-glass";
    /** Its name in Identity Center, and so in the role it provisions (`AWSReservedSSO_<name>_<hash>`). */
    readonly name: string;
    readonly description: string;
    /** AWS-managed policies, by ARN, each with the id that names its attachment. */
    readonly managedPolicies: readonly { readonly id: string; readonly arn: string }[];
    /** The one inline policy a permission set may hold. */
    readonly inlinePolicy?: aws.iam.PolicyDocument;
}

/**
 * The SecurityAudit permission set: SecurityAudit and ViewOnlyAccess with the audit role's own
 * explicit Deny (IAM writes, data-plane reads, CloudShell, write-level grants) as its inline
 * policy, so a person reaches the same read-only access through Identity Center as through the
 * audit role, and neither can drift from the other (components/auditRole.ts builds the Deny once).
 */
export function auditPermissionSet(partition: string): PermissionSetDefinition {
    return {
        id: "audit",
        name: AUDIT_PERMISSION_SET,
        description:
            "org-access: read-only security audit; explicit deny of IAM writes, data reads and CloudShell",
        managedPolicies: [
            { id: "securityaudit", arn: managedPolicyArn(partition, "SecurityAudit") },
            { id: "viewonly", arn: managedPolicyArn(partition, "ViewOnlyAccess") },
        ],
        inlinePolicy: auditDenyPolicy(),
    };
}

/**
 * A duty permission set, from the duty role's own definition (components/dutyRoles.ts): the same
 * managed policies and the same inline policy, so the two access paths grant the same duty.
 * `settings` are the duty role's: the deploy and preview roles of every workload account are
 * the ones the incident responders may never quarantine.
 */
export function dutyPermissionSet(
    kind: DutyKind,
    settings: Parameters<typeof dutyRoleDefinition>[1],
): PermissionSetDefinition {
    const def = dutyRoleDefinition(kind, settings);
    // A permission set holds one inline policy (PutInlinePolicyToPermissionSet replaces it).
    // https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_PutInlinePolicyToPermissionSet.html
    if (def.inlinePolicies.length > 1)
        throw new Error(
            `${kind}: a permission set holds one inline policy, the role has ${def.inlinePolicies.length}`,
        );
    const incident = kind === "IncidentResponseRole";
    return {
        id: incident ? "incident-response" : "break-glass",
        name: incident ? INCIDENT_RESPONSE_PERMISSION_SET : BREAK_GLASS_PERMISSION_SET,
        description: incident
            ? "org-access: incident response (isolate, quarantine, snapshot)"
            : "org-access: break-glass administrator access; every use is alarmed",
        managedPolicies: def.managedPolicies,
        ...(def.inlinePolicies[0] ? { inlinePolicy: def.inlinePolicies[0].document } : {}),
    };
}

/**
 * A permissions boundary: an AWS-managed policy, which exists in every account. A customer-managed
 * boundary would have to exist, by name and path, in every account the set is assigned to, and
 * this program creates it in none (config/schema/identityCenter.ts refuses it).
 * https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_PermissionsBoundary.html
 */
export type PermissionSetBoundary = { readonly managedPolicyArn: string };

export interface IdentityCenterAccessArgs {
    /** The organization instance, arn:<partition>:sso:::instance/ssoins-... */
    readonly instanceArn: string;
    /** Each permission set with the Identity Store groups assigned it. */
    readonly permissionSets: readonly {
        readonly definition: PermissionSetDefinition;
        readonly groupIds: readonly string[];
    }[];
    /** The workload accounts every group is assigned in. */
    readonly accountIds: readonly string[];
    /**
     * A boundary for the SecurityAudit and IncidentResponse sets. Never for BreakGlass: a cap on
     * the break-glass set would fail the one path meant to work when everything else does.
     */
    readonly permissionsBoundary?: PermissionSetBoundary;
    readonly tags?: Record<string, string>;
}

/**
 * IAM Identity Center access for people: the permission sets and an assignment of each group in
 * every workload account. Created with the provider of the account that administers the instance
 * (the management account or the delegated administrator), in the instance's region.
 */
export class IdentityCenterAccess extends pulumi.ComponentResource {
    public readonly permissionSetArns: pulumi.Output<Record<string, string>>;
    public readonly assignmentCount: number;

    constructor(
        name: string,
        args: IdentityCenterAccessArgs,
        opts: pulumi.ComponentResourceOptions,
    ) {
        requireProvider(
            opts,
            `IdentityCenterAccess ${name}`,
            "a provider for the administering account",
        );
        super(IDENTITY_CENTER_ACCESS_TYPE, name, {}, opts);
        const arns: Record<string, pulumi.Output<string>> = {};
        let assignments = 0;
        for (const { definition: d, groupIds } of args.permissionSets) {
            const setName = `${name}-${d.id}`;
            const set = new aws.ssoadmin.PermissionSet(
                setName,
                {
                    instanceArn: args.instanceArn,
                    name: d.name,
                    description: d.description,
                    sessionDuration: PERMISSION_SET_SESSION,
                    tags: args.tags,
                },
                { parent: this },
            );
            arns[d.name] = set.arn;
            const held: pulumi.Resource[] = d.managedPolicies.map(
                (m) =>
                    new aws.ssoadmin.ManagedPolicyAttachment(
                        `${setName}-${m.id}`,
                        {
                            instanceArn: args.instanceArn,
                            permissionSetArn: set.arn,
                            managedPolicyArn: m.arn,
                        },
                        { parent: this },
                    ),
            );
            if (d.inlinePolicy)
                held.push(
                    new aws.ssoadmin.PermissionSetInlinePolicy(
                        `${setName}-inline`,
                        {
                            instanceArn: args.instanceArn,
                            permissionSetArn: set.arn,
                            inlinePolicy: JSON.stringify(d.inlinePolicy),
                        },
                        { parent: this },
                    ),
                );
            if (args.permissionsBoundary && d.id !== "break-glass")
                held.push(
                    new aws.ssoadmin.PermissionsBoundaryAttachment(
                        `${setName}-boundary`,
                        {
                            instanceArn: args.instanceArn,
                            permissionSetArn: set.arn,
                            permissionsBoundary: {
                                managedPolicyArn: args.permissionsBoundary.managedPolicyArn,
                            },
                        },
                        { parent: this },
                    ),
                );
            // An assignment provisions the permission set's role into the account as the set is
            // at that moment. Each waits for every policy of its set, so the role never exists
            // without the Deny (a SecurityAudit role without it could read data).
            // https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_CreateAccountAssignment.html
            for (const accountId of args.accountIds)
                for (const groupId of groupIds) {
                    new aws.ssoadmin.AccountAssignment(
                        // Named from the account and the group ids, which never change with labels
                        // (stacks/resourceNames.ts).
                        `${setName}-${accountResourceName(accountId)}-${groupId}`,
                        {
                            instanceArn: args.instanceArn,
                            permissionSetArn: set.arn,
                            principalType: "GROUP",
                            principalId: groupId,
                            targetType: "AWS_ACCOUNT",
                            targetId: accountId,
                        },
                        { parent: this, dependsOn: held },
                    );
                    assignments++;
                }
        }
        this.permissionSetArns = pulumi.output(arns);
        this.assignmentCount = assignments;
        this.registerOutputs({
            permissionSetArns: this.permissionSetArns,
            assignmentCount: this.assignmentCount,
        });
    }
}
