// The AWS regions `aws:region` may name, by partition. The list is the AWS provider's own Region
// enum (@pulumi/aws, types/enums), so it moves with the provider version this project pins; the
// partition of each region follows the AWS SDKs' partitions.json (its `regionRegex` per partition,
// the same rule as `partitionOf`). A region of another partition has other IAM and other ARNs
// (arn:aws-cn:..., arn:aws-us-gov:...): "every Region is in exactly one partition".
// https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html
import { Region } from "@pulumi/aws/types/enums";
import { closest } from "./didYouMean";
import type { ConfigProblem } from "./errors";
import { partitionOf, REGION_NAME } from "./patterns";

/** Every region the AWS provider knows, in the order of its enum. */
export const REGIONS: readonly string[] = Object.values(Region);

/**
 * The partitions whose ARNs this program writes and checks (config/patterns.ts: `arn:aws`,
 * `arn:aws-cn`, `arn:aws-us-gov`, `arn:aws-iso`, `arn:aws-iso-b`). The provider also knows regions
 * of aws-iso-e, aws-iso-f and aws-eusc, whose ARNs the patterns would refuse.
 */
export const SUPPORTED_PARTITIONS: readonly string[] = [
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
];

/** The regions of one partition. */
export function regionsOf(partition: string): string[] {
    return REGIONS.filter((r) => partitionOf(r) === partition);
}

/** `aws:region`'s problem, if any: unset, not a region of its partition, or an unsupported partition. */
export function regionProblems(region: string | undefined): ConfigProblem[] {
    // `aws:region` is outside our namespace, so its path is written out in full.
    if (region === undefined || region === "") {
        return [
            {
                path: "aws:region",
                message: "is required: every account provider deploys into it",
                fix: "pulumi config set aws:region us-east-1",
            },
        ];
    }
    const partition = partitionOf(region);
    const known = regionsOf(partition);
    if (!known.includes(region)) {
        const near = closest(region, known);
        return [
            {
                path: "aws:region",
                message: `"${region}" is not a region of the ${partition} partition${near ? ` (did you mean ${near}?)` : known.length <= 4 ? ` (its regions: ${known.join(", ")})` : ""}`,
                fix: `pulumi config set aws:region ${near ?? (partition === "aws" ? "us-east-1" : known[0])}`,
            },
        ];
    }
    if (!SUPPORTED_PARTITIONS.includes(partition)) {
        return [
            {
                path: "aws:region",
                message: `${region} is in the ${partition} partition, whose ARNs this program does not write (it supports ${SUPPORTED_PARTITIONS.join(", ")})`,
                fix: "deploy into a region of a supported partition, e.g. pulumi config set aws:region us-east-1",
            },
        ];
    }
    return [];
}

/**
 * Why a region name of a config list (guardrails.allowedRegions, stackSet.regions,
 * accessAnalyzer.regions, identityCenter.ssoRegion) names no region, with the closest one of its
 * partition; undefined when it is a region, or not even shaped like one (the pattern says so).
 */
export function unknownRegion(region: string): string | undefined {
    if (!REGION_NAME.test(region) || REGIONS.includes(region)) return undefined;
    const partition = partitionOf(region);
    const near = closest(region, regionsOf(partition));
    return `"${region}" is not a region of the ${partition} partition${near ? ` (did you mean ${near}?)` : ""}`;
}

/** A zod refinement for a region name: `.superRefine(knownRegion)`. */
export function knownRegion(
    region: string,
    ctx: { addIssue(issue: { code: "custom"; message: string }): void },
): void {
    const problem = unknownRegion(region);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
}
