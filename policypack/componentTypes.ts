/**
 * The Pulumi type token of each org-access component, written once. The components pass them to
 * `super(...)`; the evidence report keys its expectations by them and the policy pack's
 * audit-role-per-workload-account defaults to one. Data only, inside the pack's own directory, so
 * the pack (published on its own) needs neither @pulumi/aws nor the components to build.
 */
export const AUDIT_ROLE_TYPE = "org-access:access:AuditRole";
export const AUDIT_ROLE_STACK_SET_TYPE = "org-access:access:AuditRoleStackSet";
export const INCIDENT_RESPONSE_ROLE_TYPE = "org-access:access:IncidentResponseRole";
export const BREAK_GLASS_ROLE_TYPE = "org-access:access:BreakGlassRole";
export const DUTY_GROUP_TYPE = "org-access:access:DutyGroup";
export const SECURITY_ACCESS_TYPE = "org-access:access:SecurityAccess";
export const CI_IDENTITY_TYPE = "org-access:ci:CiIdentity";
export const PREVIEW_ROLE_TYPE = "org-access:ci:PreviewRole";
export const GUARDRAILS_TYPE = "org-access:guardrails:Guardrails";
export const RESOURCE_CONTROLS_TYPE = "org-access:guardrails:ResourceControls";
export const ORG_TRAIL_TYPE = "org-access:logging:OrgTrail";
export const LOG_ARCHIVE_ADMIN_ROLE_TYPE = "org-access:logging:LogArchiveAdminRole";
export const DETECTION_TYPE = "org-access:detection:Detection";
export const ROOT_ACCESS_TYPE = "org-access:organization:CentralizedRootAccess";
export const ACCESS_ANALYZER_TYPE = "org-access:organization:AccessAnalyzer";
export const IDENTITY_CENTER_ACCESS_TYPE = "org-access:access:IdentityCenterAccess";

/** Every component type token, for tests and tables keyed by them. */
export const COMPONENT_TYPES: readonly string[] = [
    AUDIT_ROLE_TYPE,
    AUDIT_ROLE_STACK_SET_TYPE,
    INCIDENT_RESPONSE_ROLE_TYPE,
    BREAK_GLASS_ROLE_TYPE,
    DUTY_GROUP_TYPE,
    SECURITY_ACCESS_TYPE,
    CI_IDENTITY_TYPE,
    PREVIEW_ROLE_TYPE,
    GUARDRAILS_TYPE,
    RESOURCE_CONTROLS_TYPE,
    ORG_TRAIL_TYPE,
    LOG_ARCHIVE_ADMIN_ROLE_TYPE,
    DETECTION_TYPE,
    ROOT_ACCESS_TYPE,
    ACCESS_ANALYZER_TYPE,
    IDENTITY_CENTER_ACCESS_TYPE,
];
