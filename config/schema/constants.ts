// Names and defaults every part of the config shares: the namespace, the fixed role names the
// SCPs, alarms and policy pack name up front, and the enumerations the schema accepts.

/** Namespace of every key this program reads (`org-access:<key>` in the stack files). */
export const NAMESPACE = "org-access";

export const DEFAULT_DEPLOY_ROLE = "OrganizationAccountAccessRole";
/** The security stack's `workloadStacks` when the key is absent. */
export const DEFAULT_WORKLOAD_STACKS: readonly string[] = ["workload"];
export const DEFAULT_AUDIT_ROLE = "SecurityAuditRole";
/** IAM's floor for a role's MaxSessionDuration; see the `MaxSessionDuration` field of CreateRole. */
export const IAM_MIN_ROLE_SESSION_SECONDS = 3600;

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

/**
 * The default of `trail.objectLockRetentionDays`: the schema's default, and the one the rules
 * that read raw values assume when the key is left out (config/validate.ts).
 */
export const DEFAULT_OBJECT_LOCK_RETENTION_DAYS = 365;

/** AWS-managed read policies the audit role may attach. */
export const AUDIT_MANAGED_POLICIES = [
    "SecurityAudit",
    "ReadOnlyAccess",
    "ViewOnlyAccess",
] as const;

/** The description that marks a retired key (config/errors.ts leaves it out of "allowed keys"). */
export const RETIRED = "retired";

export type ProviderRole = (typeof PROVIDER_ROLES)[number];
