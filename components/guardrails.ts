import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { accountRootArn, arn, cloudTrailArn, iamRoleArn, kmsKeyArn, s3BucketArn } from "./arns";
import { ConfigProblem, InputError } from "../config/errors";
import { BREAK_GLASS_ROLE, DEFAULT_PREVIEW_ROLE, INCIDENT_RESPONSE_ROLE } from "../config/schema";
import { ROLE_CHANGE_ACTIONS as ROLE_CHANGES } from "../policypack/iam/privileges";
import {
    anyAccountRoleArns,
    infrastructureRoleNames,
    ISOLATION_TAG,
    QUARANTINE_TAG,
    SERVICE_LINKED_ROLES,
    STACKSETS_EXEC_ROLES,
} from "./dutyRoles";
import { GUARDRAILS_TYPE } from "../policypack/componentTypes";

// The policy types and their sizes are the pack's, so that the program and the pack share one rule.
import {
    ORGANIZATION_POLICY_TYPES,
    OrganizationPolicyType,
} from "../policypack/model/organizationPolicies";
import { requireProvider } from "./componentOptions";
export { ORGANIZATION_POLICY_TYPES };
export type { OrganizationPolicyType };

export const SCP_MAX_CHARACTERS = ORGANIZATION_POLICY_TYPES.SERVICE_CONTROL_POLICY.maxCharacters;

/** What the SCPs protect and whom they exempt; everything is known from config before deployment. */
export interface GuardrailPolicyInputs {
    /** AWS partition. */
    readonly partition: string;
    /** Name of the organization trail. */
    readonly trailName: string;
    /** Name of the trail's log bucket. */
    readonly trailBucketName: string;
    /** Account of the log bucket and its key. */
    readonly logArchiveAccountId: string;
    /**
     * The log-archive account's admin role (`OrgAccessLogArchiveAdmin`): the only principal that may
     * reconfigure the bucket and the key, and the only one that may change the role itself. No CI
     * identity can reach it, unlike the account's deploy role.
     */
    readonly logArchiveAdminRoleName: string;
    /** Deploy roles of every member account this program reaches: exempt from the guardrails, and protected. */
    readonly deployRoleNames: readonly string[];
    /** Deploy roles of the workload accounts: the only principals that may create IAM users or access keys there. */
    readonly workloadDeployRoleNames: readonly string[];
    /** Read-only preview roles in every account: never quarantinable, and protected. Default `OrgAccessPreviewRole`. */
    readonly previewRoleNames?: readonly string[];
    /** org-access's own roles, as `<path><name>` (e.g. `/SecurityAuditRole`): only a deploy role may change them. */
    readonly protectedRoles: readonly string[];
    /** Regions the organization may use; no region SCP when undefined. */
    readonly allowedRegions?: readonly string[];
}

/**
 * Actions that change a role, its trust or its policies. The one list lives in
 * policypack/iam/privileges.ts; this is the copy the SCP documents take.
 */
export const ROLE_CHANGE_ACTIONS: string[] = [...ROLE_CHANGES];

/**
 * Changes to the trail's bucket that only the log-archive admin role may make: its policy, ACL and
 * ownership, public-access block, versioning, encryption, Object Lock, lifecycle, replication and
 * access logging. A lifecycle expiration rule or a bucket policy alone could erase or expose every log.
 */
export const LOG_BUCKET_CONFIG_ACTIONS = [
    "s3:DeleteBucketPolicy",
    "s3:PutBucketAcl",
    "s3:PutBucketLogging",
    "s3:PutBucketObjectLockConfiguration",
    "s3:PutBucketOwnershipControls",
    "s3:PutBucketPolicy",
    "s3:PutBucketPublicAccessBlock",
    "s3:PutBucketVersioning",
    "s3:PutEncryptionConfiguration",
    "s3:PutLifecycleConfiguration",
    "s3:PutReplicationConfiguration",
];

/**
 * What stops or changes the organization trail: nobody may, in any member account (SCPs do not
 * reach the management account, where the trail lives; docs/guardrails.md, "What protects the trail").
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/security_iam_id-based-policy-examples.html
 */
export const TRAIL_PROTECT_ACTIONS = [
    "cloudtrail:DeleteTrail",
    "cloudtrail:PutEventSelectors",
    "cloudtrail:PutInsightSelectors",
    "cloudtrail:StopLogging",
    "cloudtrail:UpdateTrail",
];

/** Deleting the trail's bucket or its log objects: denied to everyone. */
export const LOG_DELETION_ACTIONS = [
    "s3:DeleteBucket",
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
];

/** Disabling a log key or scheduling its deletion: denied to everyone, the admin role included. */
export const LOG_KEY_DELETION_ACTIONS = ["kms:DisableKey", "kms:ScheduleKeyDeletion"];

/** Changes to the log key that only the log-archive admin role may make: its policy, rotation and grants. */
export const LOG_KEY_CONFIG_ACTIONS = [
    "kms:CreateGrant",
    "kms:DisableKeyRotation",
    "kms:PutKeyPolicy",
];

/**
 * Moving or deleting the log key's alias: the key policy reserves these to the log-archive admin,
 * whose own policy finds the key by that alias (kms:ResourceAliases, components/logArchiveAdmin.ts).
 * https://docs.aws.amazon.com/kms/latest/developerguide/alias-access.html
 */
export const LOG_KEY_ALIAS_ACTIONS = ["kms:DeleteAlias", "kms:UpdateAlias"];

/**
 * Services and operations with a global endpoint, exempted from the region deny: AWS's current
 * list, as in the Organizations example "Deny access to AWS based on the requested AWS Region" and
 * Control Tower's Region deny control (GRREGIONDENY), which carries the same list.
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html
 * https://docs.aws.amazon.com/controltower/latest/controlreference/primary-region-deny-policy.html
 */
export const GLOBAL_SERVICE_ACTIONS = [
    "a4b:*",
    "access-analyzer:*",
    "account:*",
    "acm:*",
    "activate:*",
    "artifact:*",
    "aws-marketplace-management:*",
    "aws-marketplace:*",
    "aws-portal:*",
    "billing:*",
    "billingconductor:*",
    "budgets:*",
    "ce:*",
    "chatbot:*",
    "chime:*",
    "cloudfront:*",
    "cloudtrail:LookupEvents",
    "compute-optimizer:*",
    "config:*",
    "consoleapp:*",
    "consolidatedbilling:*",
    "cur:*",
    "datapipeline:GetAccountLimits",
    "devicefarm:*",
    "directconnect:*",
    "ec2:DescribeRegions",
    "ec2:DescribeTransitGateways",
    "ec2:DescribeVpnGateways",
    "ecr-public:*",
    "fms:*",
    "freetier:*",
    "globalaccelerator:*",
    "health:*",
    "iam:*",
    "importexport:*",
    "invoicing:*",
    "iq:*",
    "kms:*",
    "license-manager:ListReceivedLicenses",
    "lightsail:Get*",
    "mobileanalytics:*",
    "networkmanager:*",
    "notifications-contacts:*",
    "notifications:*",
    "organizations:*",
    "payments:*",
    "pricing:*",
    "quicksight:DescribeAccountSubscription",
    "resource-explorer-2:*",
    "route53-recovery-cluster:*",
    "route53-recovery-control-config:*",
    "route53-recovery-readiness:*",
    "route53:*",
    "route53domains:*",
    "s3:CreateMultiRegionAccessPoint",
    "s3:DeleteMultiRegionAccessPoint",
    "s3:DescribeMultiRegionAccessPointOperation",
    "s3:GetAccountPublicAccessBlock",
    "s3:GetBucketLocation",
    "s3:GetBucketPolicyStatus",
    "s3:GetBucketPublicAccessBlock",
    "s3:GetMultiRegionAccessPoint",
    "s3:GetMultiRegionAccessPointPolicy",
    "s3:GetMultiRegionAccessPointPolicyStatus",
    "s3:GetStorageLensConfiguration",
    "s3:GetStorageLensDashboard",
    "s3:ListAllMyBuckets",
    "s3:ListMultiRegionAccessPoints",
    "s3:ListStorageLensConfigurations",
    "s3:PutAccountPublicAccessBlock",
    "s3:PutMultiRegionAccessPointPolicy",
    "savingsplans:*",
    "shield:*",
    "sso:*",
    "sts:*",
    "support:*",
    "supportapp:*",
    "supportplans:*",
    "sustainability:*",
    "tag:GetResources",
    "tax:*",
    "trustedadvisor:*",
    "vendor-insights:ListEntitledSecurityProfiles",
    "waf-regional:*",
    "waf:*",
    "wafv2:*",
];

const roleArns = anyAccountRoleArns;

/** The log-archive admin role's exact ARN. */
export function logArchiveAdminArn(s: GuardrailPolicyInputs): string {
    return iamRoleArn(s.partition, s.logArchiveAccountId, s.logArchiveAdminRoleName);
}

/**
 * Deny root and leaving; protect the trail, its logs, the bucket's configuration and the key; keep
 * the incident responders' isolation security groups closed; and protect the log-archive admin
 * role. SCPs never apply to the management account, where the trail lives: there it is protected
 * otherwise (docs/guardrails.md, "What protects the trail").
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
 */
export function baselinePolicy(s: GuardrailPolicyInputs, keyArn: string): aws.iam.PolicyDocument {
    const p = s.partition;
    const bucket = s3BucketArn(p, s.trailBucketName);
    const admin = logArchiveAdminArn(s);
    const exceptAdmin = { ArnNotLike: { "aws:PrincipalArn": admin } };
    return {
        Version: "2012-10-17",
        Statement: [
            // The root user of every member account. Centralized root access sessions (sts:AssumeRoot,
            // launched from the management account for a scoped privileged task) carry aws:AssumedRoot
            // and stay allowed, as in AWS's example.
            // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-assumedroot
            // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user-privileged-task.html
            {
                Sid: "DenyRootUser",
                Effect: "Deny",
                Action: "*",
                Resource: "*",
                Condition: {
                    ArnLike: { "aws:PrincipalArn": accountRootArn(p, "*") },
                    Null: { "aws:AssumedRoot": "true" },
                },
            },
            {
                Sid: "DenyLeavingOrganization",
                Effect: "Deny",
                Action: "organizations:LeaveOrganization",
                Resource: "*",
            },
            {
                Sid: "ProtectTrail",
                Effect: "Deny",
                Action: TRAIL_PROTECT_ACTIONS,
                Resource: cloudTrailArn(p, "*", "*", s.trailName),
            },
            {
                Sid: "DenyLogDeletion",
                Effect: "Deny",
                Action: LOG_DELETION_ACTIONS,
                Resource: [bucket, `${bucket}/*`],
            },
            {
                Sid: "ProtectLogBucket",
                Effect: "Deny",
                Action: LOG_BUCKET_CONFIG_ACTIONS,
                Resource: bucket,
                Condition: exceptAdmin,
            },
            {
                Sid: "DenyLogKeyDeletion",
                Effect: "Deny",
                Action: LOG_KEY_DELETION_ACTIONS,
                Resource: keyArn,
            },
            {
                Sid: "ProtectLogKey",
                Effect: "Deny",
                Action: LOG_KEY_CONFIG_ACTIONS,
                Resource: keyArn,
                Condition: exceptAdmin,
            },
            // Isolation security groups (components/dutyRoles.ts) stay empty and stay the incident
            // responders' own: only break-glass may add a rule to one, and only the duty roles may
            // put the tag on, or take it off, a security group (in any letter case).
            {
                Sid: "KeepIsolationGroupsClosed",
                Effect: "Deny",
                Action: [
                    "ec2:AuthorizeSecurityGroupEgress",
                    "ec2:AuthorizeSecurityGroupIngress",
                    "ec2:ModifySecurityGroupRules",
                ],
                Resource: "*",
                Condition: {
                    StringEqualsIgnoreCase: { [`aws:ResourceTag/${ISOLATION_TAG}`]: "true" },
                    ArnNotLike: { "aws:PrincipalArn": roleArns(p, [BREAK_GLASS_ROLE]) },
                },
            },
            {
                Sid: "ProtectIsolationTag",
                Effect: "Deny",
                Action: ["ec2:CreateSecurityGroup", "ec2:CreateTags", "ec2:DeleteTags"],
                Resource: arn(p, "ec2", "*", "*", "security-group/*"),
                Condition: {
                    "ForAnyValue:StringEqualsIgnoreCase": { "aws:TagKeys": [ISOLATION_TAG] },
                    ArnNotLike: {
                        "aws:PrincipalArn": roleArns(p, [BREAK_GLASS_ROLE, INCIDENT_RESPONSE_ROLE]),
                    },
                },
            },
            // Only the admin role changes itself: not the deploy roles, which CI can reach.
            {
                Sid: "ProtectLogArchiveAdmin",
                Effect: "Deny",
                Action: ROLE_CHANGE_ACTIONS,
                Resource: admin,
                Condition: exceptAdmin,
            },
        ],
    };
}

/**
 * Quarantine and the protection of the roles the organization runs on.
 * - A quarantined principal (tag `org-access-quarantine=true`, components/dutyRoles.ts) is denied
 *   everything, except infrastructure roles, which must never be stopped by mistake.
 * - Nobody may pass the quarantine key as a session tag: a session tag overrides a role's tag with
 *   the same key, in any letter case, so a re-assumed session could otherwise lift its own
 *   quarantine.
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html
 *   https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 * - Only the duty and deploy roles may set or remove the tag; nobody may put it on an
 *   infrastructure role.
 * - Only the deploy roles and the StackSet execution roles (which create the audit role in
 *   StackSet mode) may change org-access's roles or create a role with their names.
 */
export function rolesPolicy(s: GuardrailPolicyInputs): aws.iam.PolicyDocument {
    const p = s.partition;
    const infrastructure = roleArns(p, infrastructureRoleNames(s.deployRoleNames, previewRoles(s)));
    const quarantineKey = {
        "ForAnyValue:StringEqualsIgnoreCase": { "aws:TagKeys": [QUARANTINE_TAG] },
    };
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DenyQuarantinedPrincipals",
                Effect: "Deny",
                Action: "*",
                Resource: "*",
                Condition: {
                    StringEqualsIgnoreCase: { [`aws:PrincipalTag/${QUARANTINE_TAG}`]: "true" },
                    ArnNotLike: { "aws:PrincipalArn": infrastructure },
                },
            },
            {
                Sid: "DenyQuarantineSessionTag",
                Effect: "Deny",
                Action: "sts:TagSession",
                Resource: "*",
                Condition: quarantineKey,
            },
            {
                Sid: "DenyQuarantineSessionTagValue",
                Effect: "Deny",
                Action: "sts:TagSession",
                Resource: "*",
                Condition: { Null: { [`aws:RequestTag/${QUARANTINE_TAG}`]: "false" } },
            },
            {
                Sid: "ProtectQuarantineTag",
                Effect: "Deny",
                Action: ["iam:TagRole", "iam:TagUser", "iam:UntagRole", "iam:UntagUser"],
                Resource: "*",
                Condition: {
                    ...quarantineKey,
                    ArnNotLike: {
                        "aws:PrincipalArn": roleArns(p, [
                            ...s.deployRoleNames,
                            INCIDENT_RESPONSE_ROLE,
                            BREAK_GLASS_ROLE,
                        ]),
                    },
                },
            },
            {
                Sid: "NeverQuarantineInfrastructure",
                Effect: "Deny",
                Action: "iam:TagRole",
                Resource: infrastructure,
                Condition: quarantineKey,
            },
            {
                Sid: "ProtectOrgAccessRoles",
                Effect: "Deny",
                Action: ROLE_CHANGE_ACTIONS,
                Resource: roleArns(p, [
                    ...s.protectedRoles.map((r) => r.replace(/^\//, "")),
                    ...s.deployRoleNames,
                    ...previewRoles(s),
                    s.logArchiveAdminRoleName,
                    STACKSETS_EXEC_ROLES,
                    // Only services create roles here (iam:CreateServiceLinkedRole, not in this list).
                    SERVICE_LINKED_ROLES,
                ]),
                // The log-archive admin role, which alone may change itself (baseline SCP), is
                // exempted by its exact ARN; its name elsewhere is protected like the others.
                Condition: {
                    ArnNotLike: {
                        "aws:PrincipalArn": [
                            ...roleArns(p, [...s.deployRoleNames, STACKSETS_EXEC_ROLES]),
                            logArchiveAdminArn(s),
                        ],
                    },
                },
            },
        ],
    };
}

function previewRoles(s: GuardrailPolicyInputs): readonly string[] {
    return s.previewRoleNames && s.previewRoleNames.length > 0
        ? s.previewRoleNames
        : [DEFAULT_PREVIEW_ROLE];
}

/** No IAM users or access keys in workload accounts, except through the deploy role. */
export function noLongLivedCredentialsPolicy(s: GuardrailPolicyInputs): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DenyLongLivedCredentials",
                Effect: "Deny",
                Action: ["iam:CreateAccessKey", "iam:CreateUser"],
                Resource: "*",
                Condition: {
                    ArnNotLike: {
                        "aws:PrincipalArn": roleArns(s.partition, s.workloadDeployRoleNames),
                    },
                },
            },
        ],
    };
}

/**
 * Denies every region not allowed, except the global services, as AWS's example does, and
 * exempts the break-glass and deploy roles by `aws:PrincipalArn` as the example exempts its
 * administrator roles.
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html
 */
export function regionPolicy(
    s: GuardrailPolicyInputs,
    regions: readonly string[],
): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DenyUnapprovedRegions",
                Effect: "Deny",
                NotAction: GLOBAL_SERVICE_ACTIONS,
                Resource: "*",
                Condition: {
                    StringNotEquals: { "aws:RequestedRegion": [...regions] },
                    ArnNotLike: {
                        "aws:PrincipalArn": roleArns(s.partition, [
                            BREAK_GLASS_ROLE,
                            ...s.deployRoleNames,
                        ]),
                    },
                },
            },
        ],
    };
}

/**
 * One Organizations policy: its type, name, document, where it attaches, and which config key
 * decides its size and how to shrink it. The Guardrails component creates, attaches and
 * size-checks every definition the same way, whatever its type.
 */
export interface OrganizationPolicyDefinition<K extends string = string> {
    readonly type: OrganizationPolicyType;
    /** Short, stable key: part of the resource names. */
    readonly key: K;
    readonly name: string;
    readonly description: string;
    readonly document: aws.iam.PolicyDocument;
    /** The configured targets, the workload targets, or the log-archive account alone (the trail RCP). */
    readonly attachTo: "targets" | "workloadTargets" | "logArchiveAccount";
    readonly configPath: string;
    /** How to make the document smaller when it outgrows its type's size. */
    readonly sizeFix: string;
}

/** One SCP. */
export type ScpDefinition = OrganizationPolicyDefinition<
    "baseline" | "roles" | "no-long-lived-credentials" | "regions"
> & { readonly type: "SERVICE_CONTROL_POLICY" };

/**
 * Every SCP this program creates, with the log key's ARN given (or a placeholder of the same
 * length). Baseline and roles are two SCPs because the roles SCP grows with every distinct deploy
 * and preview role name while the baseline must always fit. A target carries at most four of
 * ours (baseline, roles, regions, no-long-lived-credentials) plus FullAWSAccess: AWS's limit is five.
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
 */
export function scpDefinitions(s: GuardrailPolicyInputs, keyArn: string): ScpDefinition[] {
    const defs: ScpDefinition[] = [
        {
            type: "SERVICE_CONTROL_POLICY",
            key: "baseline",
            name: "org-access-baseline",
            description:
                "org-access: deny root and leaving; protect the trail, its logs, bucket and key, isolation groups and the log-archive admin role",
            document: baselinePolicy(s, keyArn),
            attachTo: "targets",
            configPath: "guardrails",
            sizeFix: "use a shorter trail or bucket name",
        },
        {
            type: "SERVICE_CONTROL_POLICY",
            key: "roles",
            name: "org-access-roles",
            description:
                "org-access: enforce quarantine; protect the quarantine tag, infrastructure roles and org-access's roles",
            document: rolesPolicy(s),
            attachTo: "targets",
            configPath: "guardrails",
            sizeFix: "use fewer distinct deploy, preview or audit role names",
        },
        {
            type: "SERVICE_CONTROL_POLICY",
            key: "no-long-lived-credentials",
            name: "org-access-no-long-lived-credentials",
            description:
                "org-access: no IAM users or access keys in workload accounts, except through the deploy role",
            document: noLongLivedCredentialsPolicy(s),
            attachTo: "workloadTargets",
            configPath: "guardrails.workloadTargets",
            sizeFix: "use fewer distinct workload deploy role names",
        },
    ];
    if (s.allowedRegions) {
        defs.push({
            type: "SERVICE_CONTROL_POLICY",
            key: "regions",
            name: "org-access-regions",
            description: `org-access: only ${s.allowedRegions.join(", ")}, and global services`,
            document: regionPolicy(s, s.allowedRegions),
            attachTo: "targets",
            configPath: "guardrails.allowedRegions",
            sizeFix: "allow fewer regions or use fewer distinct deploy role names",
        });
    }
    return defs;
}

/** The minified content AWS measures. */
export function scpContent(document: aws.iam.PolicyDocument): string {
    return JSON.stringify(document);
}

/** A key ARN of exactly the length the real one will have, so sizes can be checked before deployment. */
export function placeholderKeyArn(partition: string, region: string, accountId: string): string {
    return kmsKeyArn(partition, region, accountId, "00000000-0000-0000-0000-000000000000");
}

/** Why a policy's content is too large for its type, or undefined. */
export function policySizeProblem(
    def: OrganizationPolicyDefinition,
    content: string = scpContent(def.document),
): string | undefined {
    const { abbreviation, maxCharacters } = ORGANIZATION_POLICY_TYPES[def.type];
    return content.length > maxCharacters
        ? `the ${abbreviation} "${def.name}" would be ${content.length} characters; AWS allows ${maxCharacters}`
        : undefined;
}

/** A problem for every policy over its type's size, naming the policy and the key that makes it large. */
export function policySizeProblems(defs: readonly OrganizationPolicyDefinition[]): ConfigProblem[] {
    return defs.flatMap((d) => {
        const message = policySizeProblem(d);
        return message ? [{ path: d.configPath, message, fix: d.sizeFix }] : [];
    });
}

/** One SCP as the stack exports it. */
export interface ScpSummary {
    readonly id: string;
    readonly targets: string[];
    /** The policy document, exactly as attached. */
    readonly content: string;
}

export interface GuardrailsArgs {
    /** What the SCPs protect and whom they exempt. */
    readonly policies: GuardrailPolicyInputs;
    /** ARN of the trail's KMS key, known once the key exists. */
    readonly logKeyArn: pulumi.Input<string>;
    /** Root, OU or account ids that receive the organization-wide SCPs. */
    readonly targets: readonly string[];
    /** Root, OU or account ids that receive the no-long-lived-credentials SCP. */
    readonly workloadTargets: readonly string[];
    /** Tags for the policies. */
    readonly tags?: Record<string, string>;
    /**
     * Resources every attachment waits for. On a first deploy, the log-archive bucket, key and admin
     * role must exist before the baseline SCP attaches, or the deploy role would be denied creating
     * their configuration.
     */
    readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/** The Organizations policies of a component, as organizationPolicies creates them. */
export interface CreatedOrganizationPolicies {
    readonly policies: Record<string, aws.organizations.Policy>;
    readonly attachments: aws.organizations.PolicyAttachment[];
    /** Id, targets and content of each policy, by name, for the evidence report. */
    readonly summary: pulumi.Output<Record<string, ScpSummary>>;
}

/**
 * Creates and attaches a component's Organizations policies (SCPs or RCPs), each size-checked
 * against its type. Names, keys and targets do not depend on the log key's ARN; a content that
 * names the key is rebuilt with the real one. The others are plain strings, known in a first
 * preview, when the key's ARN is not (a key's id is random).
 */
export function organizationPolicies(
    parent: pulumi.ComponentResource,
    name: string,
    args: {
        /** Every definition, with the log key's ARN given (or a placeholder of the same length). */
        readonly definitions: (keyArn: string) => OrganizationPolicyDefinition[];
        readonly logKeyArn: pulumi.Input<string>;
        readonly targets: (def: OrganizationPolicyDefinition) => readonly string[];
        readonly tags?: Record<string, string>;
        readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
    },
): CreatedOrganizationPolicies {
    const policies: Record<string, aws.organizations.Policy> = {};
    const attachments: aws.organizations.PolicyAttachment[] = [];
    const summary: Record<string, pulumi.Output<ScpSummary>> = {};
    const probe = args.definitions(placeholderKeyArn("aws", "r", "000000000000"));
    for (const placeholder of args.definitions("")) {
        const namesKey =
            scpContent(placeholder.document) !==
            scpContent(probe.find((d) => d.key === placeholder.key)!.document);
        const content = pulumi.output(namesKey ? args.logKeyArn : "").apply((keyArn) => {
            const def = args.definitions(keyArn).find((d) => d.key === placeholder.key)!;
            const text = scpContent(def.document);
            const { abbreviation, maxCharacters } = ORGANIZATION_POLICY_TYPES[def.type];
            if (policySizeProblem(def, text))
                throw new InputError(
                    `${parent.constructor.name} ${name}: the ${abbreviation} "${def.name}" is ${text.length} characters; AWS allows ${maxCharacters}`,
                );
            return text;
        });
        const policy = new aws.organizations.Policy(
            `${name}-${placeholder.key}`,
            {
                name: placeholder.name,
                description: placeholder.description,
                type: placeholder.type,
                content,
                tags: args.tags,
            },
            { parent },
        );
        const targets = args.targets(placeholder);
        for (const targetId of targets) {
            attachments.push(
                new aws.organizations.PolicyAttachment(
                    `${name}-${placeholder.key}-${targetId}`,
                    { policyId: policy.id, targetId },
                    { parent, dependsOn: args.dependsOn },
                ),
            );
        }
        policies[placeholder.name] = policy;
        summary[placeholder.name] = pulumi
            .all([policy.id, content])
            .apply(([id, text]) => ({ id, targets: [...targets], content: text }));
    }
    return { policies, attachments, summary: pulumi.all(summary) };
}

/**
 * The organization's service control policies, created in the management account and attached to
 * the configured root, OUs or accounts. Statements are grouped into at most four SCPs per target
 * because a target may carry only five, FullAWSAccess included.
 */
export class Guardrails extends pulumi.ComponentResource {
    public readonly policies: Record<string, aws.organizations.Policy>;
    public readonly attachments: aws.organizations.PolicyAttachment[];
    /** Id, targets and content of each SCP, by name, for the evidence report. */
    public readonly summary: pulumi.Output<Record<string, ScpSummary>>;

    constructor(name: string, args: GuardrailsArgs, opts: pulumi.ComponentResourceOptions) {
        requireProvider(opts, `Guardrails ${name}`, "the management account's provider");
        super(GUARDRAILS_TYPE, name, {}, opts);
        const created = organizationPolicies(this, name, {
            definitions: (keyArn) => scpDefinitions(args.policies, keyArn),
            logKeyArn: args.logKeyArn,
            targets: (d) => (d.attachTo === "targets" ? args.targets : args.workloadTargets),
            tags: args.tags,
            dependsOn: args.dependsOn,
        });
        this.policies = created.policies;
        this.attachments = created.attachments;
        this.summary = created.summary;
        this.registerOutputs({
            policies: this.policies,
            attachments: this.attachments,
            summary: this.summary,
        });
    }
}
