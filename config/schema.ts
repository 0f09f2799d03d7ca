// The schema of every `org-access:` config key, for both stacks.
//
// This is the single source of truth for what the program accepts: the program, the offline plan
// and the onboarding commands all validate through `validateSecurityConfig` /
// `validateWorkloadConfig`. Objects are strict, so a misspelt key is an error, never a silent
// default. Every message says what is wrong; `errors.ts` adds the key path and the fix.
import { z } from "zod";

/** Namespace of every key this program reads (`org-access:<key>` in the stack files). */
export const NAMESPACE = "org-access";

export const DEFAULT_DEPLOY_ROLE = "OrganizationAccountAccessRole";
export const DEFAULT_AUDIT_ROLE = "SecurityAuditRole";
/** IAM's floor for a role's MaxSessionDuration; see the `MaxSessionDuration` field of CreateRole. */
export const IAM_MIN_ROLE_SESSION_SECONDS = 3600;

// AWS limits, from the IAM and STS API references:
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html (ExternalId: 2-1224, [\w+=,.@:\/-]*)
const ACCOUNT_ID = /^\d{12}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const USER_NAME = /^[\w+=,.@-]{1,64}$/;
const IAM_PATH = /^\/([\x21-\x7e]{0,510}\/)?$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]*$/;
const ACCOUNT_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const ORG_ID = /^o-[a-z0-9]{10,32}$/;
const STACK_NAME = /^[A-Za-z0-9_.-]{1,100}$/;
const STACK_REF = /^([A-Za-z0-9_.-]+\/){0,2}[A-Za-z0-9_.-]+$/;
const PRINCIPAL_ARN =
    /^arn:aws(-cn|-us-gov|-iso|-iso-b)?:iam::(\d{12}):(user|role)(\/[\x21-\x7e]*)?\/[\w+=,.@-]{1,64}$/;
/** Organizations policy targets: the root, an OU or an account (the TargetId pattern of AttachPolicy). */
const ROOT_ID = /^r-[0-9a-z]{4,32}$/;
const OU_ID = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
export const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
/** A deliberately plain address check: one @, no spaces, a dot in the domain. SNS confirms the rest. */
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s.]+$/;
/**
 * GitHub's OIDC `sub` for a branch or an environment, written out exactly (no wildcard):
 * https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect#example-subject-claims
 */
const GITHUB_SUBJECT =
    /^repo:[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+:(ref:refs\/heads\/[^\s*?]+|environment:[^\s*?:]+)$/;
const KMS_KEY_ARN = /^arn:aws(-cn|-us-gov|-iso|-iso-b)?:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/;
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Fixed names of the duty roles, so SCPs, alarms and the policy pack can name them up front. */
export const INCIDENT_RESPONSE_ROLE = "IncidentResponseRole";
export const BREAK_GLASS_ROLE = "BreakGlassRole";
/**
 * The one role that may change the trail bucket's protected configuration and the log key's policy
 * (the baseline SCP exempts it alone). It trusts only the break-glass users, with a fresh MFA sign-in,
 * so no CI identity can reach it. Fixed, so SCPs, alarms and the policy pack can name it up front.
 */
export const LOG_ARCHIVE_ADMIN_ROLE = "OrgAccessLogArchiveAdmin";
export const DEFAULT_CI_ROLE = "org-access-github-deploy";

/** CloudWatch Logs accepts only these retention periods (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
] as const;

/** AWS-managed read policies the audit role may attach. */
export const AUDIT_MANAGED_POLICIES = [
    "SecurityAudit",
    "ReadOnlyAccess",
    "ViewOnlyAccess",
] as const;

const accountId = () =>
    z
        .string({
            error: 'must be a quoted string of 12 digits, e.g. "123456789012" (unquoted YAML numbers lose leading zeros)',
        })
        .regex(ACCOUNT_ID, { error: 'must be exactly 12 digits, e.g. "123456789012"' });

const roleName = () =>
    z.string({ error: "must be an IAM role name (a string)" }).regex(ROLE_NAME, {
        error: "must be an IAM role name: 1-64 characters of letters, digits and +=,.@_-",
    });

const externalId = () =>
    z
        .string({
            error: "must be a string (set it as a secret: pulumi config set --secret --path ...)",
        })
        .min(2, {
            error: "is shorter than STS allows (2 characters minimum; use a long random value)",
        })
        .max(1224, { error: "is longer than STS allows (1224 characters maximum)" })
        .regex(EXTERNAL_ID, {
            error: "may contain only letters, digits and +=,.@:/-_ (the STS ExternalId alphabet)",
        });

const tags = () =>
    z.record(
        z.string().min(1).max(128, { error: "tag keys are at most 128 characters" }),
        z
            .string({ error: "tag values must be strings" })
            .max(256, { error: "tag values are at most 256 characters" }),
        { error: "must be a map of tag names to string values" },
    );

const userName = () =>
    z.string({ error: "must be an IAM user name" }).regex(USER_NAME, {
        error: "must be an IAM user name: 1-64 characters of letters, digits and +=,.@_-",
    });

const targetId = () =>
    z
        .string({ error: "must be a root, OU or account id" })
        .refine((v) => ROOT_ID.test(v) || OU_ID.test(v) || ACCOUNT_ID.test(v), {
            error: "must be a root id (r-xxxx), an OU id (ou-xxxx-xxxxxxxx) or a quoted 12-digit account id",
        });

const strictList = <T extends z.ZodTypeAny>(item: T, what: string) =>
    z.array(item, { error: `must be a list of ${what}, not a single value` });

/** The deploy role a provider assumes to reach an account. */
const deployTarget = {
    /** Role in the target account that the deploying credentials assume. */
    deployRoleName: roleName().default(DEFAULT_DEPLOY_ROLE),
    /** ExternalId the deploy role's trust policy requires, if any. Read as a secret. */
    deployExternalId: externalId().optional(),
};

const accountRef = () =>
    z.strictObject(
        { accountId: accountId(), ...deployTarget },
        { error: 'must be an object such as { accountId: "123456789012" }' },
    );

/** A workload account: one entry per account in `org-access:workloadAccounts`. */
export const workloadAccountSchema = z.strictObject(
    {
        /** Short DNS-like name; used for resource and provider names. */
        name: z.string({ error: "must be a string" }).regex(ACCOUNT_NAME, {
            error: "must be lowercase and DNS-like: a-z, 0-9 and '-', 1-63 characters, no leading or trailing '-'",
        }),
        accountId: accountId(),
        ...deployTarget,
        /** Creates the IncidentResponseRole in this account (MFA, one hour, limited writes). Default off. */
        incidentResponseRole: z.boolean({ error: "must be true or false" }).optional(),
        /** Creates the BreakGlassRole in this account (admin, MFA, one hour, always alarmed). Default off. */
        breakGlassRole: z.boolean({ error: "must be true or false" }).optional(),
    },
    { error: 'must be an object such as { name: prod, accountId: "123456789012" }' },
);

export const auditRoleSchema = z
    .strictObject(
        {
            /** Name of the audit role in every workload account. */
            name: roleName().default(DEFAULT_AUDIT_ROLE),
            /** IAM path of the audit role. */
            path: z
                .string()
                .regex(IAM_PATH, {
                    error: "must be an IAM path that starts and ends with '/', e.g. /org-access/",
                })
                .default("/"),
            /** Session length requested by the generated profiles; the role's own cap is IAM's minimum, 3600. */
            sessionSeconds: z
                .number({ error: "must be a number of seconds" })
                .int({ error: "must be a whole number of seconds" })
                .min(900, { error: "must be at least 900 seconds (the STS minimum)" })
                .max(3600, {
                    error: "must be at most 3600 seconds (audit sessions last one hour at most)",
                })
                .default(3600),
            /** Oldest MFA authentication accepted for humans, in seconds. */
            mfaMaxAgeSeconds: z
                .number({ error: "must be a number of seconds" })
                .int({ error: "must be a whole number of seconds" })
                .min(60, { error: "must be at least 60 seconds" })
                .max(43200, { error: "must be at most 43200 seconds (12 hours)" })
                .default(3600),
            /** AWS-managed read policies to attach. */
            managedPolicies: strictList(
                z.enum(AUDIT_MANAGED_POLICIES, {
                    error: `must be one of ${AUDIT_MANAGED_POLICIES.join(", ")}`,
                }),
                "managed policy names",
            )
                .min(1, { error: "must name at least one read policy" })
                .default(["SecurityAudit", "ReadOnlyAccess"]),
        },
        { error: "must be an object" },
    )
    .default({
        name: DEFAULT_AUDIT_ROLE,
        path: "/",
        sessionSeconds: 3600,
        mfaMaxAgeSeconds: 3600,
        managedPolicies: ["SecurityAudit", "ReadOnlyAccess"],
    });

/** Security-account principals the audit roles trust; the shape of the security stack's output. */
export const trustedPrincipalsSchema = z.strictObject(
    {
        /** IAM user (or role) ARNs of humans; they must use MFA. */
        humanArns: strictList(
            z.string().regex(PRINCIPAL_ARN, {
                error: "must be an exact IAM user or role ARN, with no wildcard",
            }),
            "principal ARNs",
        ).default([]),
        /** Programmatic principals, each with the ExternalId it must present. */
        reporters: strictList(
            z.strictObject({
                name: z.string().regex(USER_NAME, { error: "must be an IAM user name" }),
                arn: z.string().regex(PRINCIPAL_ARN, {
                    error: "must be an exact IAM user or role ARN, with no wildcard",
                }),
                externalId: externalId(),
            }),
            "reporters",
        ).default([]),
        /** IAM users of the security account who may assume the IncidentResponseRole (with MFA). */
        incidentResponderArns: strictList(
            z.string().regex(PRINCIPAL_ARN, {
                error: "must be an exact IAM user or role ARN, with no wildcard",
            }),
            "principal ARNs",
        ).optional(),
        /** IAM users of the security account's break-glass group: the only principals the BreakGlassRole trusts. */
        breakGlassArns: strictList(
            z.string().regex(PRINCIPAL_ARN, {
                error: "must be an exact IAM user or role ARN, with no wildcard",
            }),
            "principal ARNs",
        ).optional(),
    },
    { error: "must be an object with humanArns and reporters" },
);

const common = {
    /** The account that holds people and service identities. */
    securityAccountId: accountId(),
    /** Tags added to every taggable resource. */
    tags: tags().default({}),
};

const OU_OR_ROOT = /^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/;

/** StackSet mode: CloudFormation deploys the audit role to every account of the named OUs. */
export const stackSetSchema = z.strictObject(
    {
        /** The account that administers the StackSet: the management account, or a delegated administrator. */
        adminAccount: accountRef(),
        /** SELF in the management account; DELEGATED_ADMIN in a registered delegated administrator. */
        callAs: z
            .enum(["SELF", "DELEGATED_ADMIN"], { error: "must be SELF or DELEGATED_ADMIN" })
            .default("SELF"),
        /** OUs (ou-...) or the root (r-...) whose accounts, present and future, get the role. */
        organizationalUnitIds: strictList(
            z.string().regex(OU_OR_ROOT, {
                error: "must be an OU id such as ou-ab12-cdefgh34 or a root id such as r-ab12",
            }),
            "OU ids",
        ).min(1, {
            error: "must name at least one OU",
        }),
        /** Regions to deploy stack instances to; IAM is global, so one is enough. Default: aws:region. */
        regions: strictList(
            z
                .string()
                .regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, { error: "must be an AWS region name" }),
            "regions",
        )
            .min(1)
            .optional(),
        /** StackSet name. */
        name: z
            .string()
            .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, {
                error: "must be a StackSet name: a letter, then letters, digits and '-'",
            })
            .default("org-access-audit-role"),
    },
    { error: "must be an object with adminAccount and organizationalUnitIds" },
);

export const workloadConfigSchema = z.strictObject({
    ...common,
    /** `provider`: one provider per account (default). `stackset`: a service-managed StackSet. */
    deploymentMode: z
        .enum(["provider", "stackset"], { error: "must be provider or stackset" })
        .default("provider"),
    stackSet: stackSetSchema.optional(),
    workloadAccounts: strictList(workloadAccountSchema, "accounts").min(1, {
        error: "must list at least one workload account",
    }),
    auditRole: auditRoleSchema,
    /** Stack reference to the security stack (org/project/stack); default `<org>/org-access/security`. */
    securityStack: z
        .string()
        .regex(STACK_REF, { error: "must be a stack name such as myorg/org-access/security" })
        .optional(),
    /** Fallback when no StackReference is possible: the principals to trust, given directly. */
    trustedPrincipals: trustedPrincipalsSchema.optional(),
});

export const securityConfigSchema = z.strictObject({
    ...common,
    securityDeployRoleName: roleName().default(DEFAULT_DEPLOY_ROLE),
    securityDeployExternalId: externalId().optional(),
    organizationId: z
        .string({ error: "must be a string such as o-abcdefghij" })
        .regex(ORG_ID, { error: "must be an organization id such as o-abcdefghij" }),
    managementAccount: accountRef(),
    logArchiveAccount: accountRef().optional(),
    /** IAM user names of the human auditors. */
    auditors: strictList(
        z.string({ error: "must be an IAM user name" }).regex(USER_NAME, {
            error: "must be an IAM user name: 1-64 characters of letters, digits and +=,.@_-",
        }),
        "IAM user names",
    ).default([]),
    /** Programmatic reporter identities, each with the ExternalId it presents (secret). */
    reporters: strictList(
        z.strictObject({
            name: z.string({ error: "must be an IAM user name" }).regex(USER_NAME, {
                error: "must be an IAM user name: 1-64 characters of letters, digits and +=,.@_-",
            }),
            externalId: externalId(),
        }),
        "reporters",
    ).default([]),
    /** IAM path for the users and groups this stack creates. */
    iamPath: z
        .string()
        .regex(IAM_PATH, { error: "must be an IAM path that starts and ends with '/'" })
        .default("/org-access/"),
    /** Workload stacks whose accounts the security groups may reach (their Pulumi.<stack>.yaml files). */
    workloadStacks: strictList(
        z.string().regex(STACK_NAME, { error: "must be a stack name such as workload" }),
        "stack names",
    )
        .min(1, { error: "must name at least one workload stack" })
        .default(["workload"]),
    passwordPolicy: z
        .strictObject({
            minimumLength: z
                .number()
                .int()
                .min(14, { error: "must be at least 14 (CIS AWS Foundations 1.8)" })
                .max(128)
                .default(14),
            reusePrevention: z
                .number()
                .int()
                .min(24, { error: "must be 24 (CIS AWS Foundations 1.9)" })
                .max(24)
                .default(24),
            maxAgeDays: z.number().int().min(1).max(1095).default(90),
        })
        .default({ minimumLength: 14, reusePrevention: 24, maxAgeDays: 90 }),
    trail: z
        .strictObject({
            name: z
                .string()
                .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$/, {
                    error: "must be a trail name: 3-128 letters, digits, '.', '_' or '-'",
                })
                .default("org-access"),
            bucketName: z
                .string()
                .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
                    error: "must be a valid S3 bucket name (3-63 lowercase characters)",
                })
                .optional(),
            logGroupRetentionDays: z
                .number()
                .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
                    error: `must be one of CloudWatch's periods: ${LOG_RETENTION_DAYS.join(", ")}`,
                })
                .default(365),
            transitionDays: z
                .number()
                .int()
                .min(1, { error: "must be at least 1 day" })
                .default(90),
            storageClass: z
                .enum(["GLACIER", "DEEP_ARCHIVE", "GLACIER_IR"], {
                    error: "must be GLACIER, DEEP_ARCHIVE or GLACIER_IR",
                })
                .default("GLACIER"),
            expirationDays: z.number().int().min(1).optional(),
        })
        .refine((t) => t.expirationDays === undefined || t.expirationDays > t.transitionDays, {
            error: "must be greater than trail.transitionDays (logs must reach cold storage before they expire)",
            path: ["expirationDays"],
        })
        .default({
            name: "org-access",
            logGroupRetentionDays: 365,
            transitionDays: 90,
            storageClass: "GLACIER",
        }),
    /**
     * Service control policies, created in the management account. Off unless set: attaching SCPs
     * changes what every account below the targets may do, so the targets are always explicit.
     */
    guardrails: z
        .strictObject({
            /** Where the organization-wide SCPs attach: the root (r-...), OUs (ou-...-...) or member account ids. */
            targets: strictList(targetId(), "target ids").min(1, {
                error: "must name at least one root, OU or account id",
            }),
            /** Where the no-long-lived-credentials SCP attaches. Default: every account of the workload stacks. */
            workloadTargets: strictList(targetId(), "target ids")
                .min(1, { error: "must name at least one root, OU or account id" })
                .optional(),
            /** Regions the organization may use; when set, an SCP denies the others, except for global services. */
            allowedRegions: strictList(
                z
                    .string({ error: "must be a region name" })
                    .regex(REGION_NAME, { error: "must be an AWS region name such as eu-west-1" }),
                "region names",
            )
                .min(1, { error: "must name at least one region" })
                .optional(),
        })
        .optional(),
    /** Where the CloudTrail alarms send notifications. The alarms themselves always exist. */
    alarms: z
        .strictObject({
            /** Email addresses subscribed to the alarm topic; each address must confirm its subscription. */
            emails: strictList(
                z.string({ error: "must be an email address" }).regex(EMAIL, {
                    error: "must be an email address such as security@example.com",
                }),
                "email addresses",
            ).default([]),
        })
        .default({ emails: [] }),
    /** The incident responders: IAM users (MFA, no keys) who may assume IncidentResponseRole where a workload account enables it. */
    incidentResponse: z
        .strictObject({
            responders: strictList(userName(), "IAM user names").min(1, {
                error: "must name at least one responder",
            }),
        })
        .optional(),
    /** The break-glass group: IAM users (MFA, no keys) who alone may assume BreakGlassRole where a workload account enables it. */
    breakGlass: z
        .strictObject({
            users: strictList(userName(), "IAM user names").min(1, {
                error: "must name at least one break-glass user",
            }),
        })
        .optional(),
    /** A CI identity without stored keys: GitHub's OIDC provider and a role only the named workflows can assume. Off unless set. */
    ci: z
        .strictObject({
            /** Exact OIDC subjects: repo:OWNER/REPO:ref:refs/heads/BRANCH or repo:OWNER/REPO:environment:NAME. */
            subjects: strictList(
                z.string({ error: "must be a GitHub OIDC subject" }).regex(GITHUB_SUBJECT, {
                    error: "must be an exact GitHub subject: repo:OWNER/REPO:ref:refs/heads/BRANCH or repo:OWNER/REPO:environment:NAME, with no wildcard",
                }),
                "subjects",
            ).min(1, { error: "must name at least one subject" }),
            /** Account of the OIDC provider and the role; `management` by default, because member accounts' OrganizationAccountAccessRole trusts it. */
            account: z
                .enum(["management", "security"], { error: "must be management or security" })
                .default("management"),
            /** Name of the CI role. */
            roleName: roleName().default(DEFAULT_CI_ROLE),
            /** S3 bucket that holds the Pulumi state (the `s3://` backend). */
            stateBucket: z.string({ error: "must be an S3 bucket name" }).regex(BUCKET_NAME, {
                error: "must be a valid S3 bucket name (3-63 lowercase characters)",
            }),
            /** KMS key of the state: the secrets provider's key and the bucket's encryption key, if any. */
            stateKeyArn: z
                .string()
                .regex(KMS_KEY_ARN, {
                    error: "must be a KMS key ARN such as arn:aws:kms:us-east-1:123456789012:key/<uuid>",
                })
                .optional(),
        })
        .optional(),
});

export type WorkloadAccount = z.infer<typeof workloadAccountSchema>;
export type AuditRoleSettings = z.infer<typeof auditRoleSchema>;
export type TrustedPrincipals = z.infer<typeof trustedPrincipalsSchema>;
export type RawWorkloadConfig = z.infer<typeof workloadConfigSchema>;
export type StackSetSettings = z.infer<typeof stackSetSchema>;
export type RawSecurityConfig = z.infer<typeof securityConfigSchema>;
export type GuardrailsSettings = NonNullable<RawSecurityConfig["guardrails"]>;
export type CiSettings = NonNullable<RawSecurityConfig["ci"]>;
