import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ConfigProblem, InputError } from "../config/errors";
import { BREAK_GLASS_ROLE, INCIDENT_RESPONSE_ROLE } from "../config/schema";
import { QUARANTINE_TAG } from "./dutyRoles";

/**
 * AWS counts every character of an SCP, white space included, against 5,120.
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_syntax.html
 */
export const SCP_MAX_CHARACTERS = 5120;

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
    /** Deploy role of the log-archive account: the only principal that may reconfigure the bucket and the key. */
    readonly logArchiveDeployRoleName: string;
    /** Deploy roles of every member account this program reaches: exempt from the guardrails, and protected. */
    readonly deployRoleNames: readonly string[];
    /** Deploy roles of the workload accounts: the only principals that may create IAM users or access keys there. */
    readonly workloadDeployRoleNames: readonly string[];
    /** org-access's own roles, as `<path><name>` (e.g. `/SecurityAuditRole`): only a deploy role may change them. */
    readonly protectedRoles: readonly string[];
    /** Regions the organization may use; no region SCP when undefined. */
    readonly allowedRegions?: readonly string[];
}

/** Actions that change a role, its trust or its policies. */
export const ROLE_CHANGE_ACTIONS = [
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

/** Changes to the trail's bucket that the log-archive deploy role makes and nobody else may. */
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
 * Services with a single global endpoint (mostly us-east-1), exempted from the region deny as in
 * AWS's example SCP; without them, IAM, Organizations or STS would break outside us-east-1.
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html
 */
export const GLOBAL_SERVICE_ACTIONS = [
    "a4b:*",
    "acm:*",
    "aws-marketplace-management:*",
    "aws-marketplace:*",
    "aws-portal:*",
    "budgets:*",
    "ce:*",
    "chime:*",
    "cloudfront:*",
    "config:*",
    "cur:*",
    "directconnect:*",
    "ec2:DescribeRegions",
    "ec2:DescribeTransitGateways",
    "ec2:DescribeVpnGateways",
    "fms:*",
    "globalaccelerator:*",
    "health:*",
    "iam:*",
    "importexport:*",
    "kms:*",
    "mobileanalytics:*",
    "networkmanager:*",
    "organizations:*",
    "pricing:*",
    "route53:*",
    "route53domains:*",
    "route53-recovery-cluster:*",
    "route53-recovery-control-config:*",
    "route53-recovery-readiness:*",
    "s3:GetAccountPublic*",
    "s3:ListAllMyBuckets",
    "s3:ListMultiRegionAccessPoints",
    "s3:PutAccountPublic*",
    "shield:*",
    "sts:*",
    "support:*",
    "trustedadvisor:*",
    "waf-regional:*",
    "waf:*",
    "wafv2:*",
    "wellarchitected:*",
];

const roleArns = (partition: string, names: readonly string[]) =>
    [...new Set(names)].sort().map((n) => `arn:${partition}:iam::*:role/${n}`);

/** Deny root, deny leaving, protect the trail, its bucket and key, and protect org-access's roles. */
export function baselinePolicy(s: GuardrailPolicyInputs, keyArn: string): aws.iam.PolicyDocument {
    const p = s.partition;
    const bucket = `arn:${p}:s3:::${s.trailBucketName}`;
    const archiveDeployer = {
        ArnNotLike: {
            "aws:PrincipalArn": `arn:${p}:iam::${s.logArchiveAccountId}:role/${s.logArchiveDeployRoleName}`,
        },
    };
    return {
        Version: "2012-10-17",
        Statement: [
            // SCPs never apply to the management account, so this is "root of every member account".
            {
                Sid: "DenyRootUser",
                Effect: "Deny",
                Action: "*",
                Resource: "*",
                Condition: { ArnLike: { "aws:PrincipalArn": `arn:${p}:iam::*:root` } },
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
                Action: [
                    "cloudtrail:DeleteTrail",
                    "cloudtrail:PutEventSelectors",
                    "cloudtrail:PutInsightSelectors",
                    "cloudtrail:StopLogging",
                    "cloudtrail:UpdateTrail",
                ],
                Resource: `arn:${p}:cloudtrail:*:*:trail/${s.trailName}`,
            },
            {
                Sid: "DenyLogDeletion",
                Effect: "Deny",
                Action: ["s3:DeleteBucket", "s3:DeleteObject", "s3:DeleteObjectVersion"],
                Resource: [bucket, `${bucket}/*`],
            },
            {
                Sid: "ProtectLogBucket",
                Effect: "Deny",
                Action: LOG_BUCKET_CONFIG_ACTIONS,
                Resource: bucket,
                Condition: archiveDeployer,
            },
            {
                Sid: "DenyLogKeyDeletion",
                Effect: "Deny",
                Action: ["kms:DisableKey", "kms:ScheduleKeyDeletion"],
                Resource: keyArn,
            },
            {
                Sid: "ProtectLogKey",
                Effect: "Deny",
                Action: ["kms:DisableKeyRotation", "kms:PutKeyPolicy"],
                Resource: keyArn,
                Condition: archiveDeployer,
            },
            // Incident response revokes a principal's sessions by tagging it (components/dutyRoles.ts).
            {
                Sid: "DenyQuarantinedPrincipals",
                Effect: "Deny",
                Action: "*",
                Resource: "*",
                Condition: { StringEquals: { [`aws:PrincipalTag/${QUARANTINE_TAG}`]: "true" } },
            },
            {
                Sid: "ProtectQuarantineTag",
                Effect: "Deny",
                Action: ["iam:TagRole", "iam:TagUser", "iam:UntagRole", "iam:UntagUser"],
                Resource: "*",
                Condition: {
                    "ForAnyValue:StringEquals": { "aws:TagKeys": [QUARANTINE_TAG] },
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
                Sid: "ProtectOrgAccessRoles",
                Effect: "Deny",
                Action: ROLE_CHANGE_ACTIONS,
                Resource: roleArns(p, [
                    ...s.protectedRoles.map((r) => r.replace(/^\//, "")),
                    ...s.deployRoleNames,
                ]),
                Condition: { ArnNotLike: { "aws:PrincipalArn": roleArns(p, s.deployRoleNames) } },
            },
        ],
    };
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

/** Denies every region not allowed, except the documented global services. */
export function regionPolicy(regions: readonly string[]): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DenyUnapprovedRegions",
                Effect: "Deny",
                NotAction: GLOBAL_SERVICE_ACTIONS,
                Resource: "*",
                Condition: { StringNotEquals: { "aws:RequestedRegion": [...regions] } },
            },
        ],
    };
}

/** One SCP: its name, document, where it attaches and which config key decides its size. */
export interface ScpDefinition {
    readonly key: "baseline" | "no-long-lived-credentials" | "regions";
    readonly name: string;
    readonly description: string;
    readonly document: aws.iam.PolicyDocument;
    readonly attachTo: "targets" | "workloadTargets";
    readonly configPath: string;
}

/** Every SCP this program creates, with the log key's ARN given (or a placeholder of the same length). */
export function scpDefinitions(s: GuardrailPolicyInputs, keyArn: string): ScpDefinition[] {
    const defs: ScpDefinition[] = [
        {
            key: "baseline",
            name: "org-access-baseline",
            description:
                "org-access: deny root and leaving; protect the trail, its logs and key, and org-access's roles",
            document: baselinePolicy(s, keyArn),
            attachTo: "targets",
            configPath: "guardrails",
        },
        {
            key: "no-long-lived-credentials",
            name: "org-access-no-long-lived-credentials",
            description:
                "org-access: no IAM users or access keys in workload accounts, except through the deploy role",
            document: noLongLivedCredentialsPolicy(s),
            attachTo: "workloadTargets",
            configPath: "guardrails.workloadTargets",
        },
    ];
    if (s.allowedRegions) {
        defs.push({
            key: "regions",
            name: "org-access-regions",
            description: `org-access: only ${s.allowedRegions.join(", ")}, and global services`,
            document: regionPolicy(s.allowedRegions),
            attachTo: "targets",
            configPath: "guardrails.allowedRegions",
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
    return `arn:${partition}:kms:${region}:${accountId}:key/00000000-0000-0000-0000-000000000000`;
}

/** A problem for every SCP over AWS's size limit, naming the policy and the key that makes it large. */
export function scpSizeProblems(defs: readonly ScpDefinition[]): ConfigProblem[] {
    return defs.flatMap((d) => {
        const size = scpContent(d.document).length;
        if (size <= SCP_MAX_CHARACTERS) return [];
        return [
            {
                path: d.configPath,
                message: `the SCP "${d.name}" would be ${size} characters; AWS allows ${SCP_MAX_CHARACTERS}`,
                fix:
                    d.key === "regions"
                        ? "allow fewer regions"
                        : "use fewer distinct role names or deploy role names",
            },
        ];
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
}

/**
 * The organization's service control policies, created in the management account and attached to
 * the configured root, OUs or accounts. Statements are grouped into at most three SCPs because a
 * target may carry only five, FullAWSAccess included.
 */
export class Guardrails extends pulumi.ComponentResource {
    public readonly policies: Record<string, aws.organizations.Policy>;
    public readonly attachments: aws.organizations.PolicyAttachment[];
    /** Id, targets and content of each SCP, by name, for the evidence report. */
    public readonly summary: pulumi.Output<Record<string, ScpSummary>>;

    constructor(name: string, args: GuardrailsArgs, opts: pulumi.ComponentResourceOptions) {
        if (!opts.provider)
            throw new Error(`Guardrails ${name}: the management account's provider is required`);
        super("org-access:guardrails:Guardrails", name, {}, opts);
        this.policies = {};
        this.attachments = [];
        const summary: Record<string, pulumi.Output<ScpSummary>> = {};
        // Names, keys and targets do not depend on the key ARN; each content is rebuilt with the real one.
        for (const placeholder of scpDefinitions(args.policies, "")) {
            const content = pulumi.output(args.logKeyArn).apply((keyArn) => {
                const def = scpDefinitions(args.policies, keyArn).find(
                    (d) => d.key === placeholder.key,
                ) as ScpDefinition;
                const text = scpContent(def.document);
                if (text.length > SCP_MAX_CHARACTERS)
                    throw new InputError(
                        `Guardrails ${name}: the SCP "${def.name}" is ${text.length} characters; AWS allows ${SCP_MAX_CHARACTERS}`,
                    );
                return text;
            });
            const policy = new aws.organizations.Policy(
                `${name}-${placeholder.key}`,
                {
                    name: placeholder.name,
                    description: placeholder.description,
                    type: "SERVICE_CONTROL_POLICY",
                    content,
                    tags: args.tags,
                },
                { parent: this },
            );
            const targets =
                placeholder.attachTo === "targets" ? args.targets : args.workloadTargets;
            for (const targetId of targets) {
                this.attachments.push(
                    new aws.organizations.PolicyAttachment(
                        `${name}-${placeholder.key}-${targetId}`,
                        { policyId: policy.id, targetId },
                        { parent: this },
                    ),
                );
            }
            this.policies[placeholder.name] = policy;
            summary[placeholder.name] = pulumi
                .all([policy.id, content])
                .apply(([id, text]) => ({ id, targets: [...targets], content: text }));
        }
        this.summary = pulumi.all(summary);
        this.registerOutputs({
            policies: this.policies,
            attachments: this.attachments,
            summary: this.summary,
        });
    }
}
