// The schema of every `org-access:` config key, for both stacks.
//
// This is the single source of truth for what the program accepts: the program, the offline plan
// and the onboarding commands all validate through `validateSecurityConfig` /
// `validateWorkloadConfig`. Objects are strict, so a misspelt key is an error, never a silent
// default. Every message says what is wrong; `errors.ts` adds the key path and the fix.
//
// The schema is split by concern under config/schema/: the shared names (constants.ts), the
// shared zod building blocks (common.ts), the workload stack (workload.ts), and the security
// stack (security.ts), which composes one module per control (logging.ts, guardrails.ts, duty.ts,
// ci.ts). The patterns of AWS identifiers live in config/patterns.ts. A new control adds its
// module and one key in security.ts; this file only re-exports, so imports stay stable.
export * from "./schema/constants";
export { REGION_NAME } from "./patterns";
export {
    DEFAULT_MAX_ACCOUNTS_PER_STACK,
    auditRoleSchema,
    maxAccountsPerStackSchema,
    stackSetSchema,
    trustedPrincipalsSchema,
    workloadAccountSchema,
    workloadConfigSchema,
} from "./schema/workload";
export type {
    AuditRoleSettings,
    RawWorkloadConfig,
    StackSetSettings,
    TrustedPrincipals,
    WorkloadAccount,
} from "./schema/workload";
export { securityConfigSchema } from "./schema/security";
export { IAM_QUOTA_LIMITS, iamQuotasSchema } from "./schema/iamQuotas";
export type { IamQuotas } from "./schema/iamQuotas";
export type { CiSettings, GuardrailsSettings, RawSecurityConfig } from "./schema/security";
export { RCP_SERVICES } from "./schema/resourceControls";
export type { RcpService, ResourceControlSettings } from "./schema/resourceControls";
export type { AccessAnalyzerSettings } from "./schema/security";
export { DEFAULT_UNUSED_ACCESS_AGE } from "./schema/organization";
