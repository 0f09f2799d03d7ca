/**
 * cloudtrail-hardened (mandatory): trails log every region and global service events, validate
 * log files, encrypt with KMS and keep logging on (CIS AWS Foundations 3.1, 3.2, 3.7).
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/best-practices-security.html
 */
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { isSetOrUnknown } from "./common";
import { resourceType, T } from "./types";

export const NAME = "cloudtrail-hardened";

interface TrailProps {
    name?: string;
    isMultiRegionTrail?: boolean;
    includeGlobalServiceEvents?: boolean;
    enableLogFileValidation?: boolean;
    enableLogging?: boolean;
    kmsKeyId?: string;
    cloudWatchLogsGroupArn?: string;
    cloudWatchLogsRoleArn?: string;
    isOrganizationTrail?: boolean;
}

interface Config {
    requireCloudWatchLogs: boolean;
    requireOrganizationTrail: boolean;
}

export const cloudtrailHardened: ResourceValidationPolicy = {
    name: NAME,
    description:
        "CloudTrail trails are multi-region, include global service events, validate log files, use KMS and keep logging on.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            requireCloudWatchLogs: {
                type: "boolean",
                default: false,
                description:
                    "Also require delivery to CloudWatch Logs (cloudWatchLogsGroupArn and cloudWatchLogsRoleArn).",
            },
            requireOrganizationTrail: {
                type: "boolean",
                default: false,
                description:
                    "Also require isOrganizationTrail (set this for the management account stack).",
            },
        },
    },
    validateResource: validateResourceOfType(
        resourceType<TrailProps>(T.Trail),
        (trail, args, report) => {
            const { requireCloudWatchLogs, requireOrganizationTrail } = args.getConfig<Config>();
            const problems: string[] = [];
            if (trail.isMultiRegionTrail !== true)
                problems.push("it is not multi-region (set isMultiRegionTrail: true)");
            if (trail.includeGlobalServiceEvents === false)
                problems.push(
                    "it skips global service events such as IAM and STS (set includeGlobalServiceEvents: true)",
                );
            if (trail.enableLogFileValidation !== true)
                problems.push("log file validation is off (set enableLogFileValidation: true)");
            // A new key's ARN is unknown in a first preview; that a key is named is what counts.
            if (!isSetOrUnknown(trail, "kmsKeyId"))
                problems.push("logs are not encrypted with a KMS key (set kmsKeyId)");
            if (trail.enableLogging === false)
                problems.push("logging is disabled (remove enableLogging: false)");
            if (
                requireCloudWatchLogs === true &&
                !(
                    isSetOrUnknown(trail, "cloudWatchLogsGroupArn") &&
                    isSetOrUnknown(trail, "cloudWatchLogsRoleArn")
                )
            ) {
                problems.push(
                    "it does not deliver to CloudWatch Logs (set cloudWatchLogsGroupArn and cloudWatchLogsRoleArn)",
                );
            }
            if (requireOrganizationTrail === true && trail.isOrganizationTrail !== true) {
                problems.push("it is not an organization trail (set isOrganizationTrail: true)");
            }
            if (problems.length)
                report(
                    `CloudTrail trail "${trail.name ?? args.name}" is not hardened: ${problems.join("; ")}.`,
                );
        },
    ),
};
