/**
 * The IAM privilege data of org-access, in one typed module: what the evaluator counts as
 * admin-equivalent or as an escalation (admin.ts), and the action lists the components deny
 * (components/auditRole.ts, components/guardrails.ts). Data only (its imports are the reviewed
 * passed-role consumers, data/passrole-consumers.json, and the actions that run code as an
 * existing resource's role, data/run-as-role.json), so the components and the policy pack can
 * both depend on it.
 * Privilege-escalation paths: https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/
 */

import passRoleConsumers from "./data/passrole-consumers.json";
import runAsRole from "./data/run-as-role.json";

/** The account of every probe resource: one nobody names. */
export const PROBE_ACCOUNT = "111111111111";

/** Hands a role to a service, which then runs as it. */
export const PASS_ROLE = "iam:PassRole";

export type IamTarget = "policy" | "user" | "group" | "role";

export interface EscalationAction {
    readonly action: string;
    readonly target: IamTarget;
    readonly effect: string;
    /**
     * Managing one's own credentials (`user/${aws:username}`) is normal self-service; changing
     * one's own policies or boundaries is escalation. For the latter, policy variables count as
     * reaching the target.
     */
    readonly selfCounts: boolean;
}

export const IAM_ESCALATION_ACTIONS: readonly EscalationAction[] = [
    {
        action: "iam:CreatePolicyVersion",
        target: "policy",
        effect: "rewrite any customer-managed policy",
        selfCounts: true,
    },
    {
        action: "iam:SetDefaultPolicyVersion",
        target: "policy",
        effect: "switch a policy to another version",
        selfCounts: true,
    },
    {
        action: "iam:AttachUserPolicy",
        target: "user",
        effect: "attach any policy to users",
        selfCounts: true,
    },
    {
        action: "iam:AttachGroupPolicy",
        target: "group",
        effect: "attach any policy to groups",
        selfCounts: true,
    },
    {
        action: "iam:AttachRolePolicy",
        target: "role",
        effect: "attach any policy to roles",
        selfCounts: true,
    },
    {
        action: "iam:PutUserPolicy",
        target: "user",
        effect: "write inline policies on users",
        selfCounts: true,
    },
    {
        action: "iam:PutGroupPolicy",
        target: "group",
        effect: "write inline policies on groups",
        selfCounts: true,
    },
    {
        action: "iam:PutRolePolicy",
        target: "role",
        effect: "write inline policies on roles",
        selfCounts: true,
    },
    {
        action: "iam:PutUserPermissionsBoundary",
        target: "user",
        effect: "replace users' permissions boundaries",
        selfCounts: true,
    },
    {
        action: "iam:PutRolePermissionsBoundary",
        target: "role",
        effect: "replace roles' permissions boundaries",
        selfCounts: true,
    },
    {
        action: "iam:DeleteUserPermissionsBoundary",
        target: "user",
        effect: "remove users' permissions boundaries",
        selfCounts: true,
    },
    {
        action: "iam:DeleteRolePermissionsBoundary",
        target: "role",
        effect: "remove roles' permissions boundaries",
        selfCounts: true,
    },
    {
        action: "iam:UpdateAssumeRolePolicy",
        target: "role",
        effect: "rewrite role trust policies",
        selfCounts: true,
    },
    {
        action: "iam:CreateAccessKey",
        target: "user",
        effect: "create access keys for other users",
        selfCounts: false,
    },
    {
        action: "iam:CreateLoginProfile",
        target: "user",
        effect: "set console passwords for other users",
        selfCounts: false,
    },
    {
        action: "iam:UpdateLoginProfile",
        target: "user",
        effect: "reset other users' console passwords",
        selfCounts: false,
    },
    { action: "iam:AddUserToGroup", target: "group", effect: "join any group", selfCounts: true },
];

/** The reviewed consumers of a passed role (policypack/iam/data/passrole-consumers.json). */
export interface PassRoleConsumerReview {
    readonly description: string;
    /** The reasons whose actions run code, or give a foothold, under the passed role. */
    readonly runsCode: readonly string[];
    /** Each reason in a sentence. */
    readonly reasons: Readonly<Record<string, string>>;
    /** Every reviewed action with its reason. */
    readonly actions: Readonly<Record<string, string>>;
    /** Why passedToService holds what it holds. */
    readonly passedToServiceNote: string;
    /** Per service prefix, the iam:PassedToService values besides `<prefix>.amazonaws.com`. */
    readonly passedToService: Readonly<Record<string, readonly string[]>>;
}

/** The review, for the test that holds it to the candidates iam-data derives. */
export const PASSROLE_CONSUMERS: PassRoleConsumerReview = passRoleConsumers;

let computeActions: readonly string[] | undefined;

/**
 * The actions that run code, or give a foothold, under a role passed with iam:PassRole: the
 * reviewed consumers whose reason runs code. Candidates are derived from the Service
 * Authorization Reference (scripts/update-passrole-consumers.ts: dependent actions and
 * passed-role condition keys) and reviewed with reasons in the data file, so that an action
 * that only references a role (a rollback, a managed rotation) does not count. Every user (the
 * per-document admin check, the whole-principal analysis, the managed-policy generator, the
 * evidence proofs' graph) reads the list here.
 * Escalation methods: https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/
 */
export function passRoleComputeActions(): readonly string[] {
    computeActions ??= Object.entries(PASSROLE_CONSUMERS.actions)
        .filter(([, reason]) => PASSROLE_CONSUMERS.runsCode.includes(reason))
        .map(([action]) => action);
    return computeActions;
}

/**
 * The iam:PassedToService values under which a consumer of this service prefix runs a passed role:
 * `<prefix>.amazonaws.com` and the reviewed others (passedToService in the data file).
 */
export function passedToServices(prefix: string): readonly string[] {
    const p = prefix.toLowerCase();
    return [`${p}.amazonaws.com`, ...(PASSROLE_CONSUMERS.passedToService[p] ?? [])];
}

/** Why a statement is admin-equivalent (see ADMIN_REASONS). */
export type AdminReason =
    | "full-access"
    | "iam-full-access"
    | "not-action"
    | "not-resource"
    | "escalation"
    | "passrole-compute";

/** Single actions that let a caller run code as, or take over, someone else's role. */
export interface SingleActionEscalation {
    readonly action: string;
    /** A resource ARN nobody named; reaching it means reaching arbitrary resources of the type. */
    readonly probe: string;
    readonly effect: string;
}

/** One action that runs code of the caller's choosing on a resource, as the resource's role. */
export interface RunAsRoleAction {
    /** For messages: what the action lets a caller do on any resource of the type. */
    readonly effect: string;
    /** How, with the source of the method. */
    readonly why: string;
    /** Other actions on the same resource the method takes (CreateChangeSet: ExecuteChangeSet). */
    readonly with?: readonly string[];
}

/** A resource type whose role runs code that these actions choose (data/run-as-role.json). */
export interface RunAsRoleType {
    readonly role: string;
    readonly via?: string;
    readonly viaRole?: string;
    readonly viaName?: string;
    readonly requires?: string;
    readonly name: string;
    readonly arn: string;
    /** The actions also need iam:PassRole on the resource's role. */
    readonly passRole: boolean;
    readonly why: string;
    readonly actions: Readonly<Record<string, RunAsRoleAction>>;
}

/**
 * The one list of actions that run code as an existing resource's role, by @pulumi/aws type:
 * SINGLE_ACTION_ESCALATIONS below and the whole-principal analysis (model/computeRoles.ts) both
 * derive from it.
 */
export const RUN_AS_ROLE_TYPES: Readonly<Record<string, RunAsRoleType>> = runAsRole.types;

/** The type's ARN template filled in; `{name}` takes the last segment of an ARN. */
export function runAsRoleArn(
    type: Pick<RunAsRoleType, "arn">,
    at: { partition: string; region: string; account: string; name: string; id: string },
): string {
    return type.arn
        .replace("{partition}", at.partition)
        .replace("{region}", at.region)
        .replace("{account}", at.account)
        .replace("{name}", at.name.startsWith("arn:") ? (at.name.split("/").pop() ?? "") : at.name)
        .replace("{id}", at.id);
}

/**
 * Single actions that run code as, or take over, someone else's role: every run-as-role action
 * that needs no iam:PassRole, probed on a resource of its type nobody named, and sts:AssumeRole
 * (every role that trusts the caller's account).
 */
export const SINGLE_ACTION_ESCALATIONS: readonly SingleActionEscalation[] = [
    ...Object.values(RUN_AS_ROLE_TYPES)
        .filter((t) => !t.passRole)
        .flatMap((t) =>
            Object.entries(t.actions).map(([action, a]) => ({
                action,
                probe: runAsRoleArn(t, {
                    partition: "aws",
                    region: "us-east-1",
                    account: PROBE_ACCOUNT,
                    name: "zq9",
                    id: "i-zq9",
                }),
                effect: a.effect,
            })),
        ),
    {
        action: "sts:AssumeRole",
        probe: `arn:aws:iam::${PROBE_ACCOUNT}:role/zq9`,
        effect: "assume every role that trusts this account",
    },
];

/** Each reason in a few words, for messages (e.g. an AWS-managed policy's recorded reasons). */
export const ADMIN_REASONS: Readonly<Record<AdminReason, string>> = {
    "full-access": "every action on every resource",
    "iam-full-access": "every IAM action",
    "not-action": "Allow with NotAction on every resource",
    "not-resource": "Allow with NotResource",
    escalation: "IAM privilege-escalation actions on any principal or policy",
    "passrole-compute": "iam:PassRole on any role together with compute actions",
};

export function isAdminReason(reason: string): reason is AdminReason {
    return Object.prototype.hasOwnProperty.call(ADMIN_REASONS, reason);
}

/** A recorded reason in a few words; a reason this version does not know is shown as recorded. */
export function adminReasonSummary(reason: string): string {
    return isAdminReason(reason) ? ADMIN_REASONS[reason] : reason;
}

/** Every IAM write: the audit role can read IAM but never change it, nor pass a role. */
export const IAM_WRITE_ACTIONS: readonly string[] = [
    "iam:Add*",
    "iam:Attach*",
    "iam:Change*",
    "iam:Create*",
    "iam:Deactivate*",
    "iam:Delete*",
    "iam:Detach*",
    "iam:Disable*",
    "iam:Enable*",
    PASS_ROLE,
    "iam:Put*",
    "iam:Remove*",
    "iam:Reset*",
    "iam:Resync*",
    "iam:Set*",
    "iam:Tag*",
    "iam:Untag*",
    "iam:Update*",
    "iam:Upload*",
];

/** Actions that change a role, its trust or its policies. */
export const ROLE_CHANGE_ACTIONS: readonly string[] = [
    "iam:AttachRolePolicy",
    "iam:CreateRole",
    "iam:DeleteRole",
    "iam:DeleteRolePermissionsBoundary",
    "iam:DeleteRolePolicy",
    "iam:DetachRolePolicy",
    "iam:PutRolePermissionsBoundary",
    "iam:PutRolePolicy",
    "iam:TagRole",
    "iam:UntagRole",
    "iam:UpdateAssumeRolePolicy",
    "iam:UpdateRole",
    "iam:UpdateRoleDescription",
];

/**
 * IAM Identity Center actions that hand out power through permission sets: whoever may write a
 * permission set's policies, or assign and provision one, decides what its roles in every account
 * may do.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsiamidentitycentersuccessortoawssinglesign-on.html
 */
export const PERMISSION_SET_ACTIONS: readonly string[] = [
    "sso:AttachCustomerManagedPolicyReferenceToPermissionSet",
    "sso:AttachManagedPolicyToPermissionSet",
    "sso:CreateAccountAssignment",
    "sso:CreatePermissionSet",
    "sso:ProvisionPermissionSet",
    "sso:PutInlinePolicyToPermissionSet",
    "sso:PutPermissionsBoundaryToPermissionSet",
    "sso:UpdatePermissionSet",
];
