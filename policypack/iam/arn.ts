import { globMatch, hasWildcard } from "./wildcard";

/**
 * ARN handling. An ARN has six colon-separated parts; the sixth (resource) may itself contain
 * colons. ArnEquals/ArnLike and the Resource element compare each part separately and a wildcard
 * never crosses a colon between parts.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
 */
export interface Arn {
    partition: string;
    service: string;
    region: string;
    account: string;
    resource: string;
}

export const PARTITIONS = [
    "aws",
    "aws-us-gov",
    "aws-cn",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
];

export function parseArn(s: string): Arn | undefined {
    if (!s.startsWith("arn:")) return undefined;
    // Four colons after "arn:" end partition, service, region and account; the rest, colons and
    // all, is the resource. Scanned with indexOf: every principal, resource and ARN condition
    // value of every document comes through here.
    const a = s.indexOf(":", 4);
    const b = a < 0 ? -1 : s.indexOf(":", a + 1);
    const c = b < 0 ? -1 : s.indexOf(":", b + 1);
    const d = c < 0 ? -1 : s.indexOf(":", c + 1);
    if (d < 0) return undefined;
    return {
        partition: s.slice(4, a),
        service: s.slice(a + 1, b),
        region: s.slice(b + 1, c),
        account: s.slice(c + 1, d),
        resource: s.slice(d + 1),
    };
}

export function formatArn(a: Arn): string {
    return arn(a.partition, a.service, a.region, a.account, a.resource);
}

// The ARN builders: the one place an ARN's shape is written. The program (components/arns.ts
// re-exports these), the pack and the evidence proofs all build ARNs here, with the partition
// always a parameter (aws, aws-us-gov, aws-cn...): a builder that wrote `arn:aws:` would make every
// document naming its ARN miss in the other partitions. test/policypack/arns.spec.ts fails when an
// ARN is built by hand with a template literal anywhere else. Paths are taken as given (`/` or
// `/a/b/`, leading and trailing slash): IAM stores them that way.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns

/**
 * The partition of the ARNs the pack makes up where nothing it reads names one: a stand-in for a
 * resource without an `arn`, a probe for "any resource of this kind", a bare account id as a
 * principal. A policy pack sees resources, not their provider's region, so the commercial
 * partition is the guess; probes take a pattern's literal partition over it where they can
 * (admin.ts probeMatches, principal.ts wildcardProbe). Code that knows the partition passes it.
 */
export const PROBE_PARTITION = "aws";

/** `arn:<partition>:<service>:<region>:<account>:<resource>`; empty region or account where the service has none. */
export function arn(
    partition: string,
    service: string,
    region: string,
    accountId: string,
    resource: string,
): string {
    return `arn:${partition}:${service}:${region}:${accountId}:${resource}`;
}

/** Any IAM resource of an account: `arn:<partition>:iam::<account>:<resource>` (IAM is global: no region). */
export function iamArn(partition: string, accountId: string, resource: string): string {
    return arn(partition, "iam", "", accountId, resource);
}

/** An IAM role: `arn:<partition>:iam::<account>:role<path><name>` (path `/` by default). */
export function iamRoleArn(partition: string, accountId: string, name: string, path = "/"): string {
    return iamArn(partition, accountId, `role${path}${name}`);
}

/** An IAM user: `arn:<partition>:iam::<account>:user<path><name>`. */
export function iamUserArn(partition: string, accountId: string, name: string, path = "/"): string {
    return iamArn(partition, accountId, `user${path}${name}`);
}

/** An IAM group: `arn:<partition>:iam::<account>:group<path><name>`. */
export function iamGroupArn(
    partition: string,
    accountId: string,
    name: string,
    path = "/",
): string {
    return iamArn(partition, accountId, `group${path}${name}`);
}

/** A customer-managed policy: `arn:<partition>:iam::<account>:policy<path><name>`. */
export function iamPolicyArn(
    partition: string,
    accountId: string,
    name: string,
    path = "/",
): string {
    return iamArn(partition, accountId, `policy${path}${name}`);
}

/** An account as a principal: `arn:<partition>:iam::<account>:root`. */
export function accountRootArn(partition: string, accountId: string): string {
    return iamArn(partition, accountId, "root");
}

/** An AWS managed policy, by path and name: `arn:aws:iam::aws:policy/job-function/ViewOnlyAccess`. */
export function awsManagedPolicyArn(partition: string, pathAndName: string): string {
    return iamArn(partition, "aws", `policy${pathAndName}`);
}

/**
 * A role session, as it calls AWS: `arn:<partition>:sts::<account>:assumed-role/<role>/<session>`.
 * The role's path is not part of it (a session of `role/a/b/R` is `assumed-role/R/<session>`).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns
 */
export function assumedRoleArn(
    partition: string,
    accountId: string,
    roleName: string,
    sessionName: string,
): string {
    return arn(partition, "sts", "", accountId, `assumed-role/${roleName}/${sessionName}`);
}

/**
 * An IAM OIDC identity provider: `arn:<partition>:iam::<account>:oidc-provider/<host>`, the issuer
 * URL without `https://`, as CreateOpenIDConnectProvider returns it.
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateOpenIDConnectProvider.html
 */
export function oidcProviderArn(partition: string, accountId: string, host: string): string {
    return iamArn(partition, accountId, `oidc-provider/${host}`);
}

/** A virtual MFA device: `arn:<partition>:iam::<account>:mfa<path><name>`. */
export function mfaDeviceArn(
    partition: string,
    accountId: string,
    name: string,
    path = "/",
): string {
    return iamArn(partition, accountId, `mfa${path}${name}`);
}

/** An S3 bucket: `arn:<partition>:s3:::<bucket>` (bucket names are global: no region, no account). */
export function s3BucketArn(partition: string, bucket: string): string {
    return arn(partition, "s3", "", "", bucket);
}

/** Objects of an S3 bucket under a key pattern: `arn:<partition>:s3:::<bucket>/<key>`. */
export function s3ObjectArn(partition: string, bucket: string, key: string): string {
    return `${s3BucketArn(partition, bucket)}/${key}`;
}

/** A CloudWatch Logs group: `arn:<partition>:logs:<region>:<account>:log-group:<name>`. */
export function logGroupArn(
    partition: string,
    region: string,
    accountId: string,
    name: string,
): string {
    return arn(partition, "logs", region, accountId, `log-group:${name}`);
}

/** An SNS topic: `arn:<partition>:sns:<region>:<account>:<name>`. */
export function snsTopicArn(
    partition: string,
    region: string,
    accountId: string,
    name: string,
): string {
    return arn(partition, "sns", region, accountId, name);
}

/** A CloudTrail trail: `arn:<partition>:cloudtrail:<region>:<account>:trail/<name>`. */
export function cloudTrailArn(
    partition: string,
    region: string,
    accountId: string,
    name: string,
): string {
    return arn(partition, "cloudtrail", region, accountId, `trail/${name}`);
}

/** A CloudWatch alarm: `arn:<partition>:cloudwatch:<region>:<account>:alarm:<name>`. */
export function cloudWatchAlarmArn(
    partition: string,
    region: string,
    accountId: string,
    name: string,
): string {
    return arn(partition, "cloudwatch", region, accountId, `alarm:${name}`);
}

/** A Lambda function: `arn:<partition>:lambda:<region>:<account>:function:<name>`. */
export function lambdaFunctionArn(
    partition: string,
    region: string,
    accountId: string,
    name: string,
): string {
    return arn(partition, "lambda", region, accountId, `function:${name}`);
}

/**
 * A KMS key: `arn:<partition>:kms:<region>:<account>:key/<id>`. The id is random, so only a pattern
 * (`*`) or a placeholder is known before the key exists; the key's own `arn` output is the ARN.
 */
export function kmsKeyArn(
    partition: string,
    region: string,
    accountId: string,
    id: string,
): string {
    return arn(partition, "kms", region, accountId, `key/${id}`);
}

/**
 * A KMS alias: `arn:<partition>:kms:<region>:<account>:alias/<name>` (`aliasName` starts with
 * `alias/`). Unlike its key's ARN, it is known before the key exists.
 */
export function kmsAliasArn(
    partition: string,
    region: string,
    accountId: string,
    aliasName: string,
): string {
    return arn(partition, "kms", region, accountId, aliasName);
}

/** ArnLike semantics (ArnEquals behaves the same way in IAM: both accept wildcards per part). */
export function arnLike(pattern: string, value: string): boolean {
    if (pattern === "*") return true;
    // Without a wildcard every part must be equal, and parts are joined by the same colons: the
    // strings are equal. (The access graph asks this of policies naming hundreds of exact ARNs.)
    if (!hasWildcard(pattern)) return pattern === value;
    const p = parseArn(pattern);
    if (!p) return globMatch(pattern, value, false);
    const v = parseArn(value);
    if (!v) return false;
    return (
        globMatch(p.partition, v.partition) &&
        globMatch(p.service, v.service) &&
        globMatch(p.region, v.region) &&
        globMatch(p.account, v.account) &&
        globMatch(p.resource, v.resource)
    );
}

export function isAccountId(s: string): boolean {
    return /^\d{12}$/.test(s);
}

/** True if the account part of an ARN pattern is a wildcard (matches more than one account). */
export function accountIsWildcard(account: string): boolean {
    return hasWildcard(account);
}
