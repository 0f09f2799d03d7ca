// The organization's resource control policies (RCPs): a data perimeter around the resources of
// the services RCPs support, and the trail's bucket and key kept to the trail's writers and the
// log-archive administrators. Pure document builders (tests, the size check and the proofs read
// exactly what deploys) and the ResourceControls component in the management account.
//
// RCP grammar: Principal must be "*", Effect only Deny (Allow is reserved to the AWS-managed
// RCPFullAWSAccess, attached everywhere and not detachable), and the elements are Version,
// Statement, Sid, Effect, Principal, Action, Resource/NotResource and Condition: no NotAction and
// no NotPrincipal, so every exception is a condition.
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html
// RCPs never apply to the management account's resources, only to member accounts'.
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { RcpService } from "../config/schema";
import { RESOURCE_CONTROLS_TYPE } from "../policypack/componentTypes";
import { iamRoleArn, kmsAliasArn, kmsKeyArn, s3BucketArn } from "./arns";
import type { LogKeyRef } from "./logArchiveAdmin";
import { perimeterTreatment } from "./rcpServices";
import {
    CreatedOrganizationPolicies,
    LOG_BUCKET_CONFIG_ACTIONS,
    LOG_DELETION_ACTIONS,
    LOG_KEY_ALIAS_ACTIONS,
    LOG_KEY_CONFIG_ACTIONS,
    LOG_KEY_DELETION_ACTIONS,
    organizationPolicies,
    OrganizationPolicyDefinition,
    ScpSummary,
} from "./guardrails";
import { requireProvider } from "./componentOptions";

/** What the RCPs fence and whom they let through; everything is known from config before deployment. */
export interface ResourceControlInputs {
    readonly partition: string;
    /** The organization (aws:PrincipalOrgID, aws:SourceOrgID of its own requests). */
    readonly organizationId: string;
    /** The services whose resources only the organization may reach. */
    readonly services: readonly RcpService[];
    /** Partner accounts outside the organization let in by name. */
    readonly trustedAccountIds: readonly string[];
    /** Partner organizations let in by id. */
    readonly trustedOrganizationIds: readonly string[];
    /** The organization trail's ARN: CloudTrail writes for it (aws:SourceArn). */
    readonly trailArn: string;
    /** The trail's log bucket. */
    readonly trailBucketName: string;
    /** The trail's log key, by the alias that names it (components/orgTrail.ts, `logKeyAliasName`). */
    readonly trailKey: LogKeyRef;
    /** The log-archive administrators: OrgAccessLogArchiveAdmin and the log-archive account's deploy role. */
    readonly logAdminRoleArns: readonly string[];
}

/** What only the trail's writers and the log-archive administrators may do to the log objects. */
export const TRAIL_OBJECT_ACTIONS = [
    "s3:BypassGovernanceRetention",
    "s3:DeleteObject*",
    "s3:GetObject",
    "s3:GetObjectVersion",
    "s3:PutObject*",
    "s3:ReplicateObject",
    "s3:RestoreObject",
];

/** What only the trail's writers and the log-archive administrators may do with the log key: use it, or change it. */
export const TRAIL_KEY_ACTIONS = [
    "kms:Decrypt",
    "kms:Encrypt",
    "kms:GenerateDataKey*",
    "kms:ReEncrypt*",
    ...LOG_KEY_CONFIG_ACTIONS,
    ...LOG_KEY_ALIAS_ACTIONS,
    ...LOG_KEY_DELETION_ACTIONS,
];

/**
 * The identity perimeter, after AWS's data-perimeter RCP: outside principals are denied the
 * services' resources (each service's actions as components/rcpServices.ts treats it) unless their organization or account is trusted; AWS services acting
 * directly (aws:PrincipalIsAWSService) are let through by the first statement and held by the
 * second to requests made for the organization or a partner (aws:SourceOrgID, aws:SourceAccount),
 * only where the service says whom it acts for (aws:SourceAccount present), so integrations that
 * set no source keep working.
 * https://github.com/aws-samples/data-perimeter-policy-examples/blob/main/resource_control_policies/identity_perimeter_rcp.json
 * https://docs.aws.amazon.com/kms/latest/developerguide/resource-control-policies.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalisawsservice
 */
export function perimeterPolicy(s: ResourceControlInputs): aws.iam.PolicyDocument {
    const actions = s.services.flatMap((svc) => perimeterTreatment(svc).actions);
    const orgs = [s.organizationId, ...s.trustedOrganizationIds];
    const partners = s.trustedAccountIds.length ? [...s.trustedAccountIds] : undefined;
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "EnforceOrgIdentities",
                Effect: "Deny",
                Principal: "*",
                Action: actions,
                Resource: "*",
                Condition: {
                    StringNotEqualsIfExists: {
                        "aws:PrincipalOrgID": orgs,
                        ...(partners ? { "aws:PrincipalAccount": partners } : {}),
                    },
                    BoolIfExists: { "aws:PrincipalIsAWSService": "false" },
                },
            },
            {
                Sid: "EnforceConfusedDeputyProtection",
                Effect: "Deny",
                Principal: "*",
                Action: actions,
                Resource: "*",
                Condition: {
                    StringNotEqualsIfExists: {
                        "aws:SourceOrgID": orgs,
                        ...(partners ? { "aws:SourceAccount": partners } : {}),
                    },
                    Null: { "aws:SourceAccount": "false" },
                    Bool: { "aws:PrincipalIsAWSService": "true" },
                },
            },
        ],
    };
}

/**
 * The trail's log objects and key, kept to CloudTrail writing for this trail (aws:SourceArn, as
 * the bucket and key policies name it) and to the log-archive administrators, whoever the bucket
 * or key policy lets in, and for principals of the management account too, which no SCP binds.
 * Reading the bucket's and the key's configuration stays open (auditors and the preview roles
 * read it); changing it is the administrators' alone, as the guardrail SCP and the bucket and key
 * policies already say. Nothing else: the trail's log group and its alarm topic live in the
 * management account, where RCPs never apply.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
 *
 * The key is named by its alias, as the log-archive admin role's policy names it
 * (components/logArchiveAdmin.ts): its id is random, so a document naming its ARN would be unknown
 * in a first `pulumi preview`, where the pack could not check this RCP. The statement covers the
 * log-archive account's keys of the region and keeps to the one carrying the alias
 * (`ForAnyValue:StringEquals` on `kms:ResourceAliases`, which KMS sets to the aliases of the key a
 * request names; a key without that alias, or without aliases, is not fenced, as before). RCPs take
 * the service's own condition keys, as the KMS data-perimeter RCPs do.
 * https://docs.aws.amazon.com/kms/latest/developerguide/alias-authorization.html
 * https://docs.aws.amazon.com/kms/latest/developerguide/resource-control-policies.html
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html
 * The alias stays on the key: moving or deleting it needs the alias operation on the key as well
 * as on the alias (https://docs.aws.amazon.com/kms/latest/developerguide/alias-access.html), and
 * KeepTrailKeyToWriters denies it on the key, KeepTrailKeyAliasToAdmins on the alias itself, to
 * all but the administrators; the key policy denies it too when the admin role exists
 * (components/orgTrailPolicies.ts). KMS applies a new alias to authorization within five minutes.
 */
export function trailLogsPolicy(s: ResourceControlInputs): aws.iam.PolicyDocument {
    const bucket = s3BucketArn(s.partition, s.trailBucketName);
    const key = s.trailKey;
    const exceptWritersAndAdmins = {
        ArnNotLikeIfExists: { "aws:PrincipalArn": [...s.logAdminRoleArns] },
        StringNotEqualsIfExists: { "aws:SourceArn": s.trailArn },
    };
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "KeepTrailBucketToWriters",
                Effect: "Deny",
                Principal: "*",
                Action: [
                    ...new Set([
                        ...TRAIL_OBJECT_ACTIONS,
                        ...LOG_BUCKET_CONFIG_ACTIONS,
                        ...LOG_DELETION_ACTIONS.filter((a) => a === "s3:DeleteBucket"),
                    ]),
                ],
                Resource: [bucket, `${bucket}/*`],
                Condition: exceptWritersAndAdmins,
            },
            {
                Sid: "KeepTrailKeyToWriters",
                Effect: "Deny",
                Principal: "*",
                Action: TRAIL_KEY_ACTIONS,
                Resource: kmsKeyArn(s.partition, key.region, key.accountId, "*"),
                Condition: {
                    ...exceptWritersAndAdmins,
                    "ForAnyValue:StringEquals": { "kms:ResourceAliases": key.aliasName },
                },
            },
            {
                Sid: "KeepTrailKeyAliasToAdmins",
                Effect: "Deny",
                Principal: "*",
                Action: LOG_KEY_ALIAS_ACTIONS,
                Resource: kmsAliasArn(s.partition, key.region, key.accountId, key.aliasName),
                Condition: { ArnNotLikeIfExists: { "aws:PrincipalArn": [...s.logAdminRoleArns] } },
            },
        ],
    };
}

/** One RCP. */
export type RcpDefinition = OrganizationPolicyDefinition<"perimeter" | "trail-logs"> & {
    readonly type: "RESOURCE_CONTROL_POLICY";
};

/**
 * Every RCP this program creates, all known from config (the log key by its alias). Two RCPs: the
 * perimeter grows with the partners listed, the trail's must always fit.
 * The perimeter attaches to the configured targets, the trail's to the log-archive account: a
 * target carries at most both plus RCPFullAWSAccess; AWS allows five RCPs per target.
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
 */
export function rcpDefinitions(s: ResourceControlInputs): RcpDefinition[] {
    return [
        {
            type: "RESOURCE_CONTROL_POLICY",
            key: "perimeter",
            name: "org-access-perimeter",
            description: `org-access: only the organization${s.trustedAccountIds.length + s.trustedOrganizationIds.length ? " and its trusted partners" : ""} may reach ${s.services.join(", ")} resources; AWS services only for them`,
            document: perimeterPolicy(s),
            attachTo: "targets",
            // The perimeter grows with the partners: named under the list that takes more room.
            configPath:
                JSON.stringify(s.trustedOrganizationIds).length >
                JSON.stringify(s.trustedAccountIds).length
                    ? "resourceControlPolicies.trustedOrganizationIds"
                    : "resourceControlPolicies.trustedAccountIds",
            sizeFix:
                "trust fewer partner accounts (trustedAccountIds) or organizations (trustedOrganizationIds)",
        },
        {
            type: "RESOURCE_CONTROL_POLICY",
            key: "trail-logs",
            name: "org-access-trail-logs",
            description:
                "org-access: only CloudTrail, for the organization trail, and the log-archive administrators use the trail's log objects and key",
            document: trailLogsPolicy(s),
            // It names only the log-archive account's bucket and key: attached there alone, it
            // takes no RCP slot of the configured targets.
            attachTo: "logArchiveAccount",
            configPath: "trail.bucketName",
            sizeFix: "use a shorter trail or bucket name",
        },
    ];
}

/** The log-archive administrators the trail RCP lets through, by exact ARN. */
export function logAdminRoleArns(
    partition: string,
    logArchiveAccountId: string,
    roleNames: readonly string[],
): string[] {
    return [...new Set(roleNames)].sort().map((n) => iamRoleArn(partition, logArchiveAccountId, n));
}

export interface ResourceControlsArgs {
    /** What the RCPs fence and whom they let through. */
    readonly policies: ResourceControlInputs;
    /** Root, OU or account ids that receive the perimeter RCP. */
    readonly targets: readonly string[];
    /**
     * The log-archive account, which alone receives the trail RCP (its bucket and key live there);
     * undefined when it is the management account, whose resources RCPs never restrict.
     */
    readonly logArchiveAccountId?: string;
    /** Tags for the policies. */
    readonly tags?: Record<string, string>;
    /**
     * Resources every attachment waits for: the trail's bucket, key and admin role are configured
     * by the deploy role before the trail RCP fences them.
     */
    readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * The organization's resource control policies, created in the management account: the perimeter
 * attached to the configured root, OUs or accounts, the trail's to the log-archive account. The RESOURCE_CONTROL_POLICY type must be enabled on
 * the root first (docs/deploying.md#deploying-for-real, step 3; `npm run verify` checks it).
 * https://docs.aws.amazon.com/organizations/latest/userguide/enable-policy-type.html
 */
export class ResourceControls extends pulumi.ComponentResource {
    public readonly policies: Record<string, aws.organizations.Policy>;
    public readonly attachments: aws.organizations.PolicyAttachment[];
    /** Id, targets and content of each RCP, by name, for the evidence report. */
    public readonly summary: pulumi.Output<Record<string, ScpSummary>>;

    constructor(name: string, args: ResourceControlsArgs, opts: pulumi.ComponentResourceOptions) {
        requireProvider(opts, `ResourceControls ${name}`, "the management account's provider");
        super(RESOURCE_CONTROLS_TYPE, name, {}, opts);
        const created: CreatedOrganizationPolicies = organizationPolicies(this, name, {
            // Known from config: no RCP names the log key's ARN.
            definitions: () => rcpDefinitions(args.policies),
            logKeyArn: "",
            targets: (d) =>
                d.attachTo !== "logArchiveAccount"
                    ? args.targets
                    : args.logArchiveAccountId
                      ? [args.logArchiveAccountId]
                      : [],
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
