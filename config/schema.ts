// The schema of every `org-access:` config key, for both stacks.
//
// This is the single source of truth for what the program accepts: the program, the offline plan
// and the onboarding commands all validate through `validateSecurityConfig` /
// `validateWorkloadConfig`. Objects are strict, so a misspelt key is an error, never a silent
// default. Every message says what is wrong; `errors.ts` adds the key path and the fix.
import { z } from "zod";
import { sourceIpProblem, sourceVpceProblem } from "./network";

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
const ROLE_ARN =
    /^arn:aws(-cn|-us-gov|-iso|-iso-b)?:iam::\d{12}:role(\/[\x21-\x7e]*)?\/[\w+=,.@-]{1,64}$/;
/** Organizations policy targets: the root, an OU or an account (the TargetId pattern of AttachPolicy). */
const ROOT_ID = /^r-[0-9a-z]{4,32}$/;
const OU_ID = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
export const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
/** A deliberately plain address check: one @, no spaces, a dot in the domain. SNS confirms the rest. */
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s.]+$/;
/**
 * The parts of GitHub's OIDC claims the CI identities pin (config `ci`), each written out exactly:
 * an owner and repository name, an environment name, a branch (a git ref name without wildcards)
 * and a workflow file of the repository.
 * https://docs.github.com/en/actions/reference/security/oidc
 */
const GITHUB_REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9_.-]{1,100}$/;
const GITHUB_ENVIRONMENT = /^[A-Za-z0-9_.-]{1,255}$/;
const GIT_BRANCH = /^(?!\/)(?!.*\/$)(?!.*\.\.)(?!.*\/\/)(?!.*\.lock$)[A-Za-z0-9._/-]{1,244}$/;
const GITHUB_WORKFLOW = /^\.github\/workflows\/[A-Za-z0-9_.-]+\.ya?ml$/;
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
/** The CI identities (config `ci`): the role GitHub's pull requests assume, and the one the deploy job assumes. */
export const DEFAULT_CI_DEPLOY_IDENTITY = "org-access-github-deploy";
export const DEFAULT_CI_PREVIEW_IDENTITY = "org-access-github-preview";
/** The read-only role in every account that pull-request previews assume (components/previewRole.ts). */
export const DEFAULT_PREVIEW_ROLE = "OrgAccessPreviewRole";
/** Which role every account provider assumes: the deploy role, or the read-only preview role. */
export const PROVIDER_ROLES = ["deploy", "preview"] as const;
/** The environment variable that overrides `org-access:providerRole` for one run (config/index.ts). */
export const PROVIDER_ROLE_ENV = "ORG_ACCESS_PROVIDER_ROLE";

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

/** A list of network values, each checked by `problem`, none twice. */
const networkList = (problem: (v: string) => string | undefined, one: string, example: string) =>
    strictList(
        z.string({ error: `must be ${example}` }).superRefine((v, ctx) => {
            const p = problem(v);
            if (p) ctx.addIssue({ code: "custom", message: p });
        }),
        `${one}s`,
    )
        .min(1, { error: `must list at least one ${one}, or be left out` })
        .superRefine((list, ctx) =>
            list.forEach((v, i) => {
                const first = list.indexOf(v);
                if (first < i)
                    ctx.addIssue({
                        code: "custom",
                        path: [i],
                        message: `repeats [${first}]; list each ${one} once`,
                    });
            }),
        );

/**
 * Where a reporter's AssumeRole may come from. Either narrows the reporter's trust statement; with
 * both, a request must come from one of the CIDR blocks or through one of the endpoints.
 */
const reporterNetwork = {
    /** Public CIDR blocks (aws:SourceIp) of the reporter's egress. */
    sourceIps: networkList(
        sourceIpProblem,
        "CIDR block",
        "a CIDR block such as 203.0.113.0/24",
    ).optional(),
    /** VPC endpoints of STS (aws:SourceVpce) the reporter calls through. */
    sourceVpces: networkList(
        sourceVpceProblem,
        "VPC endpoint id",
        "a VPC endpoint id such as vpce-0123456789abcdef0",
    ).optional(),
};

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
                // ViewOnlyAccess lists and describes without reading contents; ReadOnlyAccess,
                // which reads data in many services, is an opt-in (README: "Read-only means
                // read-only").
                .default(["SecurityAudit", "ViewOnlyAccess"]),
        },
        { error: "must be an object" },
    )
    .default({
        name: DEFAULT_AUDIT_ROLE,
        path: "/",
        sessionSeconds: 3600,
        mfaMaxAgeSeconds: 3600,
        managedPolicies: ["SecurityAudit", "ViewOnlyAccess"],
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
                ...reporterNetwork,
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
        /** The CI preview identity (a role of the CI account): the only principal the preview roles trust. */
        previewIdentityArn: z
            .string()
            .regex(ROLE_ARN, {
                error: "must be the exact IAM role ARN of the CI preview identity, with no wildcard",
            })
            .optional(),
    },
    { error: "must be an object with humanArns and reporters" },
);

/**
 * A key this program no longer reads. It stays in the schema only to say what replaced it: a
 * retired key silently ignored would leave a stack file that looks configured and is not.
 */
const retired = (replacement: string) =>
    z
        .unknown()
        .refine(() => false, { error: `is no longer supported: ${replacement}` })
        .optional()
        .describe(RETIRED);

/** The description that marks a retired key (config/errors.ts leaves it out of "allowed keys"). */
export const RETIRED = "retired";

const common = {
    /** The account that holds people and service identities. */
    securityAccountId: accountId(),
    /**
     * The role every account provider assumes on this run: `deploy` (the account's deploy role) or
     * `preview` (the read-only preview role, for pull-request previews). The environment variable
     * ORG_ACCESS_PROVIDER_ROLE overrides it (config/index.ts).
     */
    providerRole: z
        .enum(PROVIDER_ROLES, {
            error: `must be deploy or preview (set by org-access:providerRole or the ${PROVIDER_ROLE_ENV} environment variable)`,
        })
        .default("deploy"),
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
    /**
     * A read-only preview role in every account (provider mode), trusted only by the security
     * stack's CI preview identity (trustedPrincipals.previewIdentityArn). Off unless set; the
     * security stack requires it of every provider-mode workload stack when `ci` is configured.
     */
    previewRole: z
        .strictObject(
            { name: roleName().default(DEFAULT_PREVIEW_ROLE) },
            { error: "must be an object such as { name: OrgAccessPreviewRole }" },
        )
        .optional(),
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
            ...reporterNetwork,
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
            /**
             * Default S3 Object Lock retention of every log object, in COMPLIANCE mode: nobody, root
             * included, can delete a log version or shorten its retention before it ends.
             * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
             */
            objectLockRetentionDays: z
                .number()
                .int({ error: "must be a whole number of days" })
                .min(1, { error: "must be at least 1 day" })
                .default(365),
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
            objectLockRetentionDays: 365,
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
    /**
     * GitHub Actions without stored keys: GitHub's OIDC provider and two identities. Pull requests
     * of `repository` assume the preview identity, which may assume only the read-only preview
     * roles; the deploy job (`deployWorkflow` on `deployBranch`, in `deployEnvironment`) assumes
     * the deploy identity, which may assume the deploy roles. Off unless set.
     */
    ci: z
        .strictObject({
            /** The repository whose workflows may assume the identities: OWNER/REPO. */
            repository: z.string({ error: "must be OWNER/REPO" }).regex(GITHUB_REPOSITORY, {
                error: "must be a GitHub repository written OWNER/REPO (letters, digits, '-', '_' and '.'), with no wildcard",
            }),
            /** The protected environment of the deploy job. */
            deployEnvironment: z
                .string({ error: "must be a GitHub environment name" })
                .regex(GITHUB_ENVIRONMENT, {
                    error: "must be a GitHub environment name of letters, digits, '-', '_' and '.', with no wildcard",
                })
                .default("production"),
            /** The only branch the deploy job runs on. */
            deployBranch: z
                .string({ error: "must be a branch name" })
                .regex(GIT_BRANCH, {
                    error: "must be a branch name such as main (letters, digits, '.', '_', '-' and '/'), with no wildcard",
                })
                .default("main"),
            /** The workflow file of the deploy job, pinned through the token's job_workflow_ref. */
            deployWorkflow: z
                .string({ error: "must be a workflow path" })
                .regex(GITHUB_WORKFLOW, {
                    error: "must be a workflow file of the repository such as .github/workflows/deploy.yml",
                })
                .default(".github/workflows/deploy.yml"),
            /** Account of the OIDC provider and both identities; `management` by default, because member accounts' OrganizationAccountAccessRole trusts it. */
            account: z
                .enum(["management", "security"], { error: "must be management or security" })
                .default("management"),
            /** Name of the deploy identity (the role the deploy job assumes). */
            deployIdentityName: roleName().default(DEFAULT_CI_DEPLOY_IDENTITY),
            /** Name of the preview identity (the role pull requests assume). */
            previewIdentityName: roleName().default(DEFAULT_CI_PREVIEW_IDENTITY),
            /** Name of the read-only preview role in the security, management and log-archive accounts. */
            previewRoleName: roleName().default(DEFAULT_PREVIEW_ROLE),
            /** S3 bucket that holds the Pulumi state (the `s3://` backend). */
            stateBucket: z.string({ error: "must be an S3 bucket name" }).regex(BUCKET_NAME, {
                error: "must be a valid S3 bucket name (3-63 lowercase characters)",
            }),
            /** KMS key of the state: the secrets provider's key (awskms://) and the bucket's encryption key, if any. */
            stateKeyArn: z
                .string()
                .regex(KMS_KEY_ARN, {
                    error: "must be a KMS key ARN such as arn:aws:kms:us-east-1:123456789012:key/<uuid>",
                })
                .optional(),
            subjects: retired(
                "the CI identities are now built from ci.repository, ci.deployEnvironment (default production), ci.deployBranch (default main) and ci.deployWorkflow (default .github/workflows/deploy.yml); pull requests get their own read-only preview identity. Remove ci.subjects and set ci.repository",
            ),
            roleName: retired(
                "the single CI role was split; name the identities with ci.deployIdentityName and ci.previewIdentityName",
            ),
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
export type ProviderRole = (typeof PROVIDER_ROLES)[number];
