// The AWS regions `aws:region` may name, by partition. The list is the AWS provider's own Region
// enum (@pulumi/aws, types/enums), so it moves with the provider version this project pins; the
// partition of each region follows the AWS SDKs' partitions.json (its `regionRegex` per partition,
// the same rule as `partitionOf`). A region of another partition has other IAM and other ARNs
// (arn:aws-cn:..., arn:aws-us-gov:...): "every Region is in exactly one partition".
// https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html
import { Region } from "@pulumi/aws/types/enums";
import { closest, closestWithin } from "./didYouMean";
import type { ConfigProblem } from "./errors";
import { partitionOf, REGION_NAME } from "./patterns";

/** The version of @pulumi/aws whose Region enum `REGIONS` is, named when it lacks a region. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const AWS_PROVIDER_VERSION: string = require("@pulumi/aws/package.json").version;

/**
 * A near-miss typo is at most this many edits from a known region; a region name further from
 * every one the provider knows is more likely one AWS launched after this @pulumi/aws version.
 */
const NEAR_MISS = 2;

/**
 * Why `region`, shaped like a region name but missing from the provider's enum, is refused: a
 * near miss (did you mean...?), or a name the provider may not know yet. `near` is the near miss.
 */
function unknownRegionReason(
    region: string,
    partition: string,
): { message: string; near?: string } {
    const known = regionsOf(partition);
    const near = closestWithin(region, known, NEAR_MISS);
    // eu-west-9 for eu-west-1 is a typo or a region launched later: only the number differs.
    const newer =
        near !== undefined && near.replace(/\d+$/, "") === region.replace(/\d+$/, "")
            ? `; if AWS has launched ${region}, upgrade @pulumi/aws (${AWS_PROVIDER_VERSION} does not know it)`
            : "";
    if (near !== undefined)
        return {
            message: `"${region}" is not a region of the ${partition} partition (did you mean ${near}?${newer})`,
            near,
        };
    return {
        message: `"${region}" is not known to @pulumi/aws ${AWS_PROVIDER_VERSION}; upgrade it if AWS has launched this region${known.length <= 4 ? ` (the ${partition} regions it knows: ${known.join(", ")})` : ""}`,
    };
}

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
export function regionProblems(
    region: string | undefined,
    misspelt?: { readonly key: string; readonly value: string },
): ConfigProblem[] {
    // `aws:region` is outside our namespace, so its path is written out in full.
    if (region === undefined || region === "") {
        // Under a misspelt key (aws:regoin: eu-west-1) is the region the user meant: moved to
        // aws:region, not replaced by another.
        const meant =
            misspelt !== undefined &&
            regionsOf(partitionOf(misspelt.value)).includes(misspelt.value)
                ? misspelt
                : undefined;
        return [
            {
                path: "aws:region",
                message: `is required: every account provider deploys into it${meant ? ` (${meant.key} holds ${meant.value})` : ""}`,
                fix: meant
                    ? `pulumi config set aws:region ${meant.value} && pulumi config rm '${meant.key}'`
                    : "pulumi config set aws:region us-east-1",
            },
        ];
    }
    const partition = partitionOf(region);
    const known = regionsOf(partition);
    if (!known.includes(region) && REGION_NAME.test(region)) {
        // A region name: a typo gets its fix; a name the provider may not know yet gets no
        // command, which would move the deployment to another region.
        const { message, near } = unknownRegionReason(region, partition);
        return [
            {
                path: "aws:region",
                message,
                fix:
                    near !== undefined
                        ? `pulumi config set aws:region ${near}`
                        : `npm install @pulumi/aws@latest, if AWS has launched ${region}; otherwise correct the name`,
            },
        ];
    }
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
    return unknownRegionReason(region, partitionOf(region)).message;
}

/** A zod refinement for a region name: `.superRefine(knownRegion)`. */
export function knownRegion(
    region: string,
    ctx: { addIssue(issue: { code: "custom"; message: string }): void },
): void {
    const problem = unknownRegion(region);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
}
