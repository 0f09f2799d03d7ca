// The organization-wide controls the management account turns on: centralized root access for the
// member accounts (`rootAccess`) and IAM Access Analyzer for the whole organization, administered
// from the security account (`accessAnalyzer`). Both are off unless set.
import { z } from "zod";
import type { ConfigProblem } from "../errors";

/**
 * Unused-access findings are raised for access unused this many days by default; AWS accepts 1 to
 * 365 (UnusedAccessConfiguration.unusedAccessAge).
 * https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_UnusedAccessConfiguration.html
 */
export const DEFAULT_UNUSED_ACCESS_AGE = 90;
export const MAX_UNUSED_ACCESS_AGE = 365;

/**
 * `centralized`: RootCredentialsManagement and RootSessions for the organization, with trusted
 * access for IAM (their prerequisite). The only mode: without the key nothing is changed.
 */
export const rootAccessSchema = z
    .literal("centralized", {
        error: 'must be "centralized" (or leave the key out to keep root access as it is)',
    })
    .optional();

export const accessAnalyzerSchema = z
    .strictObject(
        {
            /** Days of non-use after which an unused-access finding is raised. Default 90. */
            unusedAccessAge: z
                .number({ error: "must be a whole number of days" })
                .int({ error: "must be a whole number of days" })
                .min(1, { error: "must be at least 1 day (AWS accepts 1 to 365)" })
                .max(MAX_UNUSED_ACCESS_AGE, {
                    error: `must be at most ${MAX_UNUSED_ACCESS_AGE} days (AWS accepts 1 to 365)`,
                })
                .default(DEFAULT_UNUSED_ACCESS_AGE),
        },
        { error: "must be a map such as {unusedAccessAge: 90}, or {} for the defaults" },
    )
    .optional();

/**
 * What the two keys need of the rest of the security stack's config. The security account becomes
 * Access Analyzer's delegated administrator, and Organizations cannot register the management
 * account as a delegated administrator of its own organization.
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_RegisterDelegatedAdministrator.html
 */
export function organizationControlProblems(values: Record<string, unknown>): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const management = values.managementAccount;
    const managementId =
        management !== null && typeof management === "object"
            ? (management as Record<string, unknown>).accountId
            : undefined;
    if (
        values.accessAnalyzer !== undefined &&
        typeof values.securityAccountId === "string" &&
        values.securityAccountId === managementId
    )
        problems.push({
            path: "accessAnalyzer",
            message:
                "the security account is the management account, which cannot be registered as Access Analyzer's delegated administrator",
            fix: "use a separate security account, or remove the key: pulumi config rm accessAnalyzer",
        });
    return problems;
}
