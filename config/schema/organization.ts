// The organization-wide controls the management account turns on: centralized root access for the
// member accounts (`rootAccess`) and IAM Access Analyzer for the whole organization, administered
// from the security account (`accessAnalyzer`). Both are off unless set.
import { z } from "zod";
import type { ConfigProblem } from "../errors";
import { partitionOf, REGION_NAME } from "../patterns";
import { strictList } from "./common";
import { knownRegion } from "../regions";

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
            /**
             * Regions with an external-access analyzer. External access is regional: an analyzer
             * reports only the resources of its own Region. Default: guardrails.allowedRegions
             * when set, else aws:region alone.
             * https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-getting-started.html
             */
            regions: strictList(
                z
                    .string({ error: "must be a region name" })
                    .regex(REGION_NAME, { error: "must be an AWS region name such as eu-west-1" })
                    .superRefine(knownRegion),
                "region names",
            )
                .min(1, { error: "must name at least one region" })
                .optional(),
        },
        {
            error: "must be a map such as {unusedAccessAge: 90, regions: [eu-west-1]}, or {} for the defaults",
        },
    )
    .optional();

/**
 * What the two keys need of the rest of the security stack's config. The security account becomes
 * Access Analyzer's delegated administrator, and Organizations cannot register the management
 * account as a delegated administrator of its own organization.
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_RegisterDelegatedAdministrator.html
 */
export function organizationControlProblems(
    values: Record<string, unknown>,
    region?: string,
): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    problems.push(...analyzerRegionProblems(values, region));
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
            fix: "use a separate security account, or remove the key: pulumi config rm org-access:accessAnalyzer",
        });
    return problems;
}

const objectOf = (v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
        ? (v as Record<string, unknown>)
        : undefined;
const stringsOf = (v: unknown): string[] =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];

/**
 * `accessAnalyzer.regions`: Regions of this stack's partition (a provider of one partition cannot
 * reach another's), aws:region among them (the home Region, where the unused-access analyzer and
 * the delivery to the alarm topic are), each once, and, with guardrails.allowedRegions, exactly the
 * allowed Regions: an allowed Region without an analyzer would hold external access nobody sees,
 * and a Region the SCP denies could not be deployed to. Every problem at once.
 */
function analyzerRegionProblems(
    values: Record<string, unknown>,
    region: string | undefined,
): ConfigProblem[] {
    const analyzer = objectOf(values.accessAnalyzer);
    if (!analyzer || !Array.isArray(analyzer.regions) || typeof region !== "string") return [];
    const problems: ConfigProblem[] = [];
    const regions = stringsOf(analyzer.regions);
    const partition = partitionOf(region);
    const seen = new Map<string, number>();
    analyzer.regions.forEach((r: unknown, i: number) => {
        if (typeof r !== "string" || !REGION_NAME.test(r)) return;
        const first = seen.get(r);
        if (first !== undefined)
            problems.push({
                path: `accessAnalyzer.regions[${i}]`,
                message: `"${r}" is listed twice (also at accessAnalyzer.regions[${first}])`,
                fix: "list it once",
            });
        else seen.set(r, i);
        if (partitionOf(r) !== partition)
            problems.push({
                path: `accessAnalyzer.regions[${i}]`,
                message: `${r} is in partition ${partitionOf(r)}, but aws:region ${region} is in ${partition}; one stack deploys to one partition`,
                fix: `pulumi config rm --path 'org-access:accessAnalyzer.regions[${i}]'`,
            });
    });
    if (!regions.includes(region))
        problems.push({
            path: "accessAnalyzer.regions",
            message: `does not include aws:region ${region}, where the unused-access analyzer is and from where findings reach the alarm topic`,
            fix: `pulumi config set --path 'org-access:accessAnalyzer.regions[${analyzer.regions.length}]' ${region}`,
        });
    const allowed = objectOf(values.guardrails)?.allowedRegions;
    if (Array.isArray(allowed)) {
        const allowedNames = stringsOf(allowed);
        let next = analyzer.regions.length + (regions.includes(region) ? 0 : 1);
        for (const a of allowedNames)
            if (!regions.includes(a) && a !== region)
                problems.push({
                    path: "accessAnalyzer.regions",
                    message: `does not include ${a}, which guardrails.allowedRegions allows: external access there would raise no finding`,
                    fix: `pulumi config set --path 'org-access:accessAnalyzer.regions[${next++}]' ${a}, or leave accessAnalyzer.regions out to cover guardrails.allowedRegions`,
                });
        analyzer.regions.forEach((r: unknown, i: number) => {
            if (typeof r === "string" && REGION_NAME.test(r) && !allowedNames.includes(r))
                problems.push({
                    path: `accessAnalyzer.regions[${i}]`,
                    message: `${r} is not in guardrails.allowedRegions, whose SCP denies it`,
                    fix: `pulumi config rm --path 'org-access:accessAnalyzer.regions[${i}]', or allow the region in guardrails.allowedRegions`,
                });
        });
    }
    return problems;
}
