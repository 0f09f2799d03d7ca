import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { arn, awsManagedPolicyArn, iamRoleArn } from "./arns";
import { InputError } from "../config/errors";
import {
    BREAK_GLASS_ROLE,
    DEFAULT_DEPLOY_ROLE,
    DEFAULT_PREVIEW_ROLE,
    INCIDENT_RESPONSE_ROLE,
    LOG_ARCHIVE_ADMIN_ROLE,
} from "../config/schema";
import { peopleTrust, trustProblems } from "./auditRole";
import { Duty, PeopleTrust, peopleTrustStatement } from "./orgGrants";
import { BREAK_GLASS_ROLE_TYPE, INCIDENT_RESPONSE_ROLE_TYPE } from "../policypack/componentTypes";
import { requireProvider } from "./componentOptions";

/** Both duty roles: sessions of one hour at most (also IAM's floor for MaxSessionDuration). */
export const DUTY_MAX_SESSION_SECONDS = 3600;
/** Responders must have signed in with MFA within the hour. */
export const INCIDENT_RESPONSE_MFA_MAX_AGE = 3600;
/** Break-glass needs a fresh MFA sign-in: within the last 15 minutes. */
export const BREAK_GLASS_MFA_MAX_AGE = 900;

/**
 * The people of the security account who hold the duty (`people`: their IAM path and the
 * org-access:duty tag, see components/orgGrants.ts), with MFA present (`Bool`, so a request
 * without the key fails) and recent. Its size does not grow with people.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent
 */
export function dutyTrustPolicy(people: PeopleTrust): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [peopleTrustStatement("DutyPrincipalsWithMfa", people)],
    };
}

/**
 * The tag that quarantines a role or user: the SCP "org-access-roles" (components/guardrails.ts)
 * denies every request of a principal that carries it with the value "true", existing sessions
 * included, and only the duty roles and the deploy roles may set or remove it. IAM tag keys are
 * case-insensitive (a request may spell this key in any case), so every condition on the key
 * ignores case.
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html (Tags: "Tag key-value pairs are not case sensitive")
 */
export const QUARANTINE_TAG = "org-access-quarantine";

/**
 * The tag of the project's isolation security groups: the incident-response role may create a
 * security group only with it (`aws:RequestTag`), and may attach to a network interface, or revoke
 * the rules of, only a group that carries it (`aws:ResourceTag`). A new group has no inbound rule;
 * revoking its default outbound rule leaves an instance no new network path.
 */
export const ISOLATION_TAG = "org-access-isolation";

/** Roles that CloudFormation StackSets (service-managed permissions) runs stack instances as. */
export const STACKSETS_EXEC_ROLES = "stacksets-exec-*";
/** Service-linked roles all live under this path; SCPs never apply to them. */
export const SERVICE_LINKED_ROLES = "aws-service-role/*";

/**
 * Roles that nobody may quarantine: the deploy and preview roles, the log-archive admin role, the
 * StackSet execution roles and the service-linked roles. Quarantining one would stop deployments or
 * AWS services, not an attacker. Returned as `<path><name>` patterns relative to `role/`.
 */
export function infrastructureRoleNames(
    deployRoleNames: readonly string[],
    previewRoleNames: readonly string[] = [DEFAULT_PREVIEW_ROLE],
): string[] {
    return [
        ...new Set([
            STACKSETS_EXEC_ROLES,
            SERVICE_LINKED_ROLES,
            LOG_ARCHIVE_ADMIN_ROLE,
            ...deployRoleNames,
            ...previewRoleNames,
        ]),
    ].sort();
}

/** Role ARNs of every account for the given names or patterns, sorted and without duplicates. */
export function anyAccountRoleArns(partition: string, names: readonly string[]): string[] {
    return [...new Set(names)].sort().map((n) => iamRoleArn(partition, "*", n));
}

/**
 * Containment only, as resources allow it
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html):
 * - `ec2:CreateSecurityGroup` authorizes the new `security-group` (with `aws:RequestTag`) and the
 *   `vpc`: the group must carry the isolation tag; any VPC will do.
 * - `ec2:ModifyNetworkInterfaceAttribute` authorizes the `network-interface` and every
 *   `security-group` it names (`aws:ResourceTag`), plus the instance and subnet: any interface,
 *   but only isolation groups.
 * - `ec2:RevokeSecurityGroup*` authorize the `security-group`: isolation groups only.
 * - `iam:UpdateAccessKey` has no condition key on the new status
 *   (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html),
 *   so it could re-activate a key as easily as deactivate it: it is break-glass only. Responders
 *   stop a user's keys by quarantining the user instead, which the SCP enforces for every request.
 * - Tagging a role with the quarantine tag never reaches an infrastructure role.
 */
export function incidentResponsePolicy(
    partition = "aws",
    infrastructureRoles: readonly string[] = infrastructureRoleNames([DEFAULT_DEPLOY_ROLE]),
): aws.iam.PolicyDocument {
    const ec2 = (type: string) => arn(partition, "ec2", "*", "*", `${type}/*`);
    const isolation = { StringEquals: { [`aws:ResourceTag/${ISOLATION_TAG}`]: "true" } };
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DetachFromAutoScaling",
                Effect: "Allow",
                Action: "autoscaling:DetachInstances",
                Resource: "*",
            },
            {
                Sid: "CreateIsolationGroups",
                Effect: "Allow",
                Action: "ec2:CreateSecurityGroup",
                Resource: ec2("security-group"),
                Condition: { StringEquals: { [`aws:RequestTag/${ISOLATION_TAG}`]: "true" } },
            },
            {
                Sid: "CreateIsolationGroupsInAnyVpc",
                Effect: "Allow",
                Action: "ec2:CreateSecurityGroup",
                Resource: ec2("vpc"),
            },
            {
                Sid: "EmptyIsolationGroups",
                Effect: "Allow",
                Action: ["ec2:RevokeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress"],
                Resource: ec2("security-group"),
                Condition: isolation,
            },
            {
                Sid: "IsolateNetworkInterfaces",
                Effect: "Allow",
                Action: "ec2:ModifyNetworkInterfaceAttribute",
                Resource: [ec2("instance"), ec2("network-interface"), ec2("subnet")],
            },
            {
                Sid: "AttachIsolationGroupsOnly",
                Effect: "Allow",
                Action: "ec2:ModifyNetworkInterfaceAttribute",
                Resource: ec2("security-group"),
                Condition: isolation,
            },
            {
                Sid: "QuarantinePrincipals",
                Effect: "Allow",
                Action: ["iam:TagRole", "iam:TagUser"],
                NotResource: anyAccountRoleArns(partition, infrastructureRoles),
                Condition: {
                    "ForAllValues:StringEquals": { "aws:TagKeys": [QUARANTINE_TAG] },
                    StringEquals: { [`aws:RequestTag/${QUARANTINE_TAG}`]: "true" },
                },
            },
            {
                Sid: "ReviewAccessKeys",
                Effect: "Allow",
                Action: ["iam:GetAccessKeyLastUsed", "iam:ListAccessKeys"],
                Resource: "*",
            },
            {
                Sid: "SnapshotVolumes",
                Effect: "Allow",
                Action: ["ec2:CreateSnapshot", "ec2:CreateSnapshots"],
                Resource: "*",
            },
            {
                Sid: "TagWhatItCreates",
                Effect: "Allow",
                Action: "ec2:CreateTags",
                Resource: "*",
                Condition: {
                    StringEquals: {
                        "ec2:CreateAction": [
                            "CreateSecurityGroup",
                            "CreateSnapshot",
                            "CreateSnapshots",
                        ],
                    },
                },
            },
        ],
    };
}

export interface DutyRoleArgs {
    /** Account whose principals may assume the role (the security account). */
    readonly trustedAccountId: string;
    /**
     * Exact IAM user ARNs of the security account who hold the duty, under one IAM path: the
     * trust names their path and duty tag, not each of them, and is refused when there are none.
     */
    readonly principalArns: pulumi.Input<readonly string[]>;
    /** AWS partition. Default `aws`. */
    readonly partition?: string;
    /** Tags for the role. */
    readonly tags?: Record<string, string>;
}

export interface IncidentResponseRoleArgs extends DutyRoleArgs {
    /** The account's deploy role(s): never quarantinable. Default `OrganizationAccountAccessRole`. */
    readonly deployRoleNames?: readonly string[];
    /** The account's read-only preview role(s): never quarantinable. Default `OrgAccessPreviewRole`. */
    readonly previewRoleNames?: readonly string[];
}

/** The two duty roles a workload account may have. */
export type DutyKind = "IncidentResponseRole" | "BreakGlassRole";

/** What a duty role's definition depends on, apart from who may assume it. */
export type DutyRoleSettings = Omit<IncidentResponseRoleArgs, "principalArns">;

/**
 * A duty role, whichever way it is deployed: as Pulumi resources in one account (provider mode:
 * the IncidentResponseRole and BreakGlassRole components) or as a resource of the StackSet's
 * template in every account of its OUs (StackSet mode: components/auditRoleStackSet.ts). One
 * definition, so the two modes cannot drift apart; only the trust needs the principals
 * (dutyTrust).
 */
export interface DutyRoleDefinition {
    readonly roleName: string;
    readonly path: string;
    readonly description: string;
    readonly maxSessionDuration: number;
    /** Oldest MFA sign-in the trust accepts, in seconds. */
    readonly mfaMaxAgeSeconds: number;
    /** The value of the org-access:duty tag the trusted people carry (components/orgGrants.ts). */
    readonly duty: Exclude<Duty, "audit">;
    /** AWS partition of the target account. */
    readonly partition: string;
    /** Attached AWS-managed policies; `id` names the provider-mode attachment (`<name>-<id>`). */
    readonly managedPolicies: readonly { readonly id: string; readonly arn: string }[];
    /** Inline policies; `id` names the provider-mode RolePolicy (`<name>-<id>`). */
    readonly inlinePolicies: readonly {
        readonly id: string;
        readonly name: string;
        readonly document: aws.iam.PolicyDocument;
    }[];
    readonly tags?: Record<string, string>;
}

/** The definition of one duty role (everything but its trust). */
export function dutyRoleDefinition(kind: DutyKind, args: DutyRoleSettings): DutyRoleDefinition {
    const partition = args.partition ?? "aws";
    if (kind === "IncidentResponseRole")
        return {
            roleName: INCIDENT_RESPONSE_ROLE,
            path: "/",
            description: `Incident response for the responders of account ${args.trustedAccountId}: isolate, quarantine, snapshot`,
            maxSessionDuration: DUTY_MAX_SESSION_SECONDS,
            mfaMaxAgeSeconds: INCIDENT_RESPONSE_MFA_MAX_AGE,
            duty: "incident-response",
            partition,
            managedPolicies: [
                { id: "securityaudit", arn: awsManagedPolicyArn(partition, "/SecurityAudit") },
            ],
            inlinePolicies: [
                {
                    id: "response",
                    name: "org-access-incident-response",
                    document: incidentResponsePolicy(
                        partition,
                        infrastructureRoleNames(
                            args.deployRoleNames ?? [DEFAULT_DEPLOY_ROLE],
                            args.previewRoleNames,
                        ),
                    ),
                },
            ],
            tags: args.tags,
        };
    return {
        roleName: BREAK_GLASS_ROLE,
        path: "/",
        description: `Break-glass administrator access for the break-glass group of account ${args.trustedAccountId}; always alarmed`,
        maxSessionDuration: DUTY_MAX_SESSION_SECONDS,
        mfaMaxAgeSeconds: BREAK_GLASS_MFA_MAX_AGE,
        duty: "break-glass",
        partition,
        managedPolicies: [
            { id: "admin", arn: awsManagedPolicyArn(partition, "/AdministratorAccess") },
        ],
        inlinePolicies: [],
        tags: { ...args.tags, Duty: "break-glass" },
    };
}

/**
 * A duty role's trust policy, refusing wildcards, foreign accounts and an empty list; `owner`
 * names what asked for it in the error (`IncidentResponseRole acct-...`).
 */
export function dutyTrust(
    owner: string,
    trustedAccountId: string,
    principalArns: readonly string[],
    definition: Pick<DutyRoleDefinition, "mfaMaxAgeSeconds" | "duty" | "partition">,
): aws.iam.PolicyDocument {
    const problems = trustProblems(trustedAccountId, principalArns, []);
    if (problems.length > 0)
        throw new InputError(
            `${owner}: refusing to create a trust policy:\n* ${problems.join("\n* ")}`,
        );
    const people = peopleTrust(
        owner,
        {
            partition: definition.partition,
            securityAccountId: trustedAccountId,
            duty: definition.duty,
            mfaMaxAgeSeconds: definition.mfaMaxAgeSeconds,
        },
        principalArns,
    );
    // trustProblems refused an empty list, so there is a path.
    return dutyTrustPolicy(people as PeopleTrust);
}

/** The role, its attachments and inline policies of one definition, as children of `owner`. */
function dutyRoleResources(
    owner: pulumi.ComponentResource,
    kind: DutyKind,
    name: string,
    args: DutyRoleArgs,
    def: DutyRoleDefinition,
): {
    role: aws.iam.Role;
    attachments: aws.iam.RolePolicyAttachment[];
    policies: aws.iam.RolePolicy[];
} {
    const assumeRolePolicy = pulumi
        .output(args.principalArns)
        .apply((arns) =>
            JSON.stringify(dutyTrust(`${kind} ${name}`, args.trustedAccountId, arns, def)),
        );
    const role = new aws.iam.Role(
        `${name}-role`,
        {
            name: def.roleName,
            path: def.path,
            description: def.description,
            assumeRolePolicy,
            maxSessionDuration: def.maxSessionDuration,
            forceDetachPolicies: true,
            tags: def.tags,
        },
        { parent: owner },
    );
    const attachments = def.managedPolicies.map(
        (m) =>
            new aws.iam.RolePolicyAttachment(
                `${name}-${m.id}`,
                { role: role.name, policyArn: m.arn },
                { parent: owner },
            ),
    );
    const policies = def.inlinePolicies.map(
        (p) =>
            new aws.iam.RolePolicy(
                `${name}-${p.id}`,
                { name: p.name, role: role.name, policy: JSON.stringify(p.document) },
                { parent: owner },
            ),
    );
    return { role, attachments, policies };
}

/** Limited write access for incident response: isolate, quarantine, snapshot. MFA, one hour. */
export class IncidentResponseRole extends pulumi.ComponentResource {
    public readonly role: aws.iam.Role;
    public readonly roleArn: pulumi.Output<string>;
    public readonly readPolicy: aws.iam.RolePolicyAttachment;
    public readonly responsePolicy: aws.iam.RolePolicy;

    constructor(
        name: string,
        args: IncidentResponseRoleArgs,
        opts: pulumi.ComponentResourceOptions,
    ) {
        requireProvider(opts, `IncidentResponseRole ${name}`, "a provider for the target account");
        super(INCIDENT_RESPONSE_ROLE_TYPE, name, {}, opts);
        const kind = "IncidentResponseRole";
        const { role, attachments, policies } = dutyRoleResources(
            this,
            kind,
            name,
            args,
            dutyRoleDefinition(kind, args),
        );
        this.role = role;
        this.roleArn = this.role.arn;
        [this.readPolicy] = attachments;
        [this.responsePolicy] = policies;
        this.registerOutputs({
            role: this.role,
            roleArn: this.roleArn,
            readPolicy: this.readPolicy,
            responsePolicy: this.responsePolicy,
        });
    }
}

/**
 * Administrator access for emergencies only: the break-glass group's users alone may assume it,
 * with a fresh MFA sign-in, for one hour; every AssumeRole of it raises an alarm (Detection), and
 * the policy pack accepts it by name through its `breakGlassRoles` config.
 */
export class BreakGlassRole extends pulumi.ComponentResource {
    public readonly role: aws.iam.Role;
    public readonly roleArn: pulumi.Output<string>;
    public readonly adminPolicy: aws.iam.RolePolicyAttachment;

    constructor(name: string, args: DutyRoleArgs, opts: pulumi.ComponentResourceOptions) {
        requireProvider(opts, `BreakGlassRole ${name}`, "a provider for the target account");
        super(BREAK_GLASS_ROLE_TYPE, name, {}, opts);
        const kind = "BreakGlassRole";
        const { role, attachments } = dutyRoleResources(
            this,
            kind,
            name,
            args,
            dutyRoleDefinition(kind, args),
        );
        this.role = role;
        this.roleArn = this.role.arn;
        [this.adminPolicy] = attachments;
        this.registerOutputs({
            role: this.role,
            roleArn: this.roleArn,
            adminPolicy: this.adminPolicy,
        });
    }
}
