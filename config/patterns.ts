// AWS and GitHub name patterns, and the rule that a trusted principal belongs to one account:
// written once, used by the config schema, the cross-key validation (config/validate.ts) and the
// components that refuse to build a policy from bad input. Pure; nothing here touches Pulumi.
//
// AWS limits, from the IAM and STS API references:
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html (ExternalId: 2-1224, [\w+=,.@:\/-]*)

/** An AWS account id: exactly 12 digits. */
export const ACCOUNT_ID = /^\d{12}$/;
export const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
export const USER_NAME = /^[\w+=,.@-]{1,64}$/;
/** An IAM path: starts and ends with '/'. */
export const IAM_PATH = /^\/([\x21-\x7e]{0,510}\/)?$/;
/** A short DNS-like account name of a stack file. */
export const ACCOUNT_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
export const ORG_ID = /^o-[a-z0-9]{10,32}$/;
/** A Pulumi stack name, and a stack reference (`[org/][project/]stack`). */
export const STACK_NAME = /^[A-Za-z0-9_.-]{1,100}$/;
export const STACK_REF = /^([A-Za-z0-9_.-]+\/){0,2}[A-Za-z0-9_.-]+$/;
/** An AWS region name such as eu-west-1. */
export const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
/** Organizations policy targets: the root, an OU or an account (the TargetId pattern of AttachPolicy). */
export const ROOT_ID = /^r-[0-9a-z]{4,32}$/;
export const OU_ID = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
/** Where a StackSet deploys: an OU or the root. */
export const OU_OR_ROOT = /^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/;
export const KMS_KEY_ARN =
    /^arn:aws(-cn|-us-gov|-iso|-iso-b)?:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/;
export const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** The STS ExternalId alphabet; the length is checked apart, so each limit has its own message. */
export const EXTERNAL_ID_CHARS = /^[\w+=,.@:/-]*$/;
export const EXTERNAL_ID_MIN_LENGTH = 2;
export const EXTERNAL_ID_MAX_LENGTH = 1224;

/** Whether `value` is an ExternalId STS accepts: 2-1224 characters of its alphabet. */
export function isExternalId(value: unknown): value is string {
    return (
        typeof value === "string" &&
        value.length >= EXTERNAL_ID_MIN_LENGTH &&
        value.length <= EXTERNAL_ID_MAX_LENGTH &&
        EXTERNAL_ID_CHARS.test(value)
    );
}

/**
 * An exact IAM user or role ARN, with an optional path: the only principal a trust policy here
 * names. The account id is the second capture group (see `principalAccountId`).
 */
export const PRINCIPAL_ARN =
    /^arn:aws(-cn|-us-gov|-iso|-iso-b)?:iam::(\d{12}):(user|role)\/([\x21-\x7e]*\/)?[\w+=,.@-]{1,64}$/;
/** An IAM role ARN, with an optional path. */
export const ROLE_ARN =
    /^arn:aws(-cn|-us-gov|-iso|-iso-b)?:iam::\d{12}:role\/([\x21-\x7e]*\/)?[\w+=,.@-]{1,64}$/;
/** The characters IAM's ArnLike reads as wildcards: an ARN holding one names more than one thing. */
export const ARN_WILDCARD = /[*?]/;

/** Whether `arn` names exactly one IAM role: a role ARN without a wildcard anywhere. */
export function isExactRoleArn(arn: string): boolean {
    return ROLE_ARN.test(arn) && !ARN_WILDCARD.test(arn);
}

/** The account of an exact IAM user or role ARN, or undefined when `arn` is not one. */
export function principalAccountId(arn: string): string | undefined {
    return PRINCIPAL_ARN.exec(arn)?.[2];
}

/**
 * The one rule for a principal a role may trust: an exact IAM user or role ARN (`not-exact`
 * otherwise) of the trusted account (`other-account` otherwise). Each caller words the problem
 * for its own audience: the config validation names the key, a component names the principal.
 */
export function principalProblem(
    arn: string,
    trustedAccountId: unknown,
): "not-exact" | "other-account" | undefined {
    const account = principalAccountId(arn);
    if (account === undefined) return "not-exact";
    return account === trustedAccountId ? undefined : "other-account";
}

/**
 * The parts of GitHub's OIDC claims the CI identities pin (config `ci`), each written out exactly:
 * an owner and repository name, an environment name, a branch (a git ref name without wildcards)
 * and a workflow file of the repository.
 * https://docs.github.com/en/actions/reference/security/oidc
 */
export const GITHUB_REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9_.-]{1,100}$/;
export const GITHUB_ENVIRONMENT = /^[A-Za-z0-9_.-]{1,255}$/;
export const GIT_BRANCH =
    /^(?!\/)(?!.*\/$)(?!.*\.\.)(?!.*\/\/)(?!.*\.lock$)[A-Za-z0-9._/-]{1,244}$/;
export const GITHUB_WORKFLOW = /^\.github\/workflows\/[A-Za-z0-9_.-]+\.ya?ml$/;

/**
 * AWS partition of a region, by the `regionRegex` of each partition in the AWS SDKs'
 * partitions.json: aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f or aws-eusc.
 * config/regions.ts refuses the partitions this program does not support.
 */
export function partitionOf(region: string): string {
    if (region.startsWith("cn-")) return "aws-cn";
    if (region.startsWith("us-gov-")) return "aws-us-gov";
    if (region.startsWith("us-isob-")) return "aws-iso-b";
    if (region.startsWith("us-isof-")) return "aws-iso-f";
    if (region.startsWith("us-iso-")) return "aws-iso";
    if (region.startsWith("eu-isoe-")) return "aws-iso-e";
    if (region.startsWith("eusc-")) return "aws-eusc";
    return "aws";
}
