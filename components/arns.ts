// Every ARN this program names, built from config: the one place an ARN's shape is written.
//
// AWS makes most ARNs predictable: they are built from the partition, the region, the account and
// a name the program chooses. Built from config rather than read from a resource's `arn` output,
// they are known in the first `pulumi preview` of an empty stack, so every policy document that
// names them is known too and the policy pack checks it there (a document that depends on an
// unknown output would make each mandatory check of it an advisory "can't run policy ... during
// preview"). What AWS does not make predictable (a KMS key's id, an SCP's id) stays an output.
// ARN formats: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
import * as pulumi from "@pulumi/pulumi";

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

/** An IAM role: `arn:aws:iam::<account>:role<path><name>` (path `/` by default). */
export function iamRoleArn(partition: string, accountId: string, name: string, path = "/"): string {
    return arn(partition, "iam", "", accountId, `role${path}${name}`);
}

/** An IAM user: `arn:aws:iam::<account>:user<path><name>`. */
export function iamUserArn(partition: string, accountId: string, name: string, path = "/"): string {
    return arn(partition, "iam", "", accountId, `user${path}${name}`);
}

/** An account as a principal: `arn:aws:iam::<account>:root`. */
export function accountRootArn(partition: string, accountId: string): string {
    return arn(partition, "iam", "", accountId, "root");
}

/** An AWS managed policy, by path and name: `arn:aws:iam::aws:policy/job-function/ViewOnlyAccess`. */
export function awsManagedPolicyArn(partition: string, pathAndName: string): string {
    return arn(partition, "iam", "", "aws", `policy${pathAndName}`);
}

/**
 * An IAM OIDC identity provider: `arn:aws:iam::<account>:oidc-provider/<host>`, the issuer URL
 * without `https://`, as CreateOpenIDConnectProvider returns it.
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateOpenIDConnectProvider.html
 */
export function oidcProviderArn(partition: string, accountId: string, host: string): string {
    return arn(partition, "iam", "", accountId, `oidc-provider/${host}`);
}

/** An S3 bucket: `arn:aws:s3:::<bucket>` (bucket names are global: no region, no account). */
export function s3BucketArn(partition: string, bucket: string): string {
    return arn(partition, "s3", "", "", bucket);
}

/** Objects of an S3 bucket under a key pattern: `arn:aws:s3:::<bucket>/<key>`. */
export function s3ObjectArn(partition: string, bucket: string, key: string): string {
    return `${s3BucketArn(partition, bucket)}/${key}`;
}

/** A CloudWatch Logs group: `arn:aws:logs:<region>:<account>:log-group:<name>`. */
export function logGroupArn(
    partition: string,
    region: string,
    accountId: string,
    name: string,
): string {
    return arn(partition, "logs", region, accountId, `log-group:${name}`);
}

/** An SNS topic: `arn:aws:sns:<region>:<account>:<name>`. */
export function snsTopicArn(
    partition: string,
    region: string,
    accountId: string,
    name: string,
): string {
    return arn(partition, "sns", region, accountId, name);
}

/** A CloudTrail trail: `arn:aws:cloudtrail:<region>:<account>:trail/<name>`. */
export function cloudTrailArn(
    partition: string,
    region: string,
    accountId: string,
    name: string,
): string {
    return arn(partition, "cloudtrail", region, accountId, `trail/${name}`);
}

/** A CloudWatch alarm: `arn:aws:cloudwatch:<region>:<account>:alarm:<name>`. */
export function cloudWatchAlarmArn(
    partition: string,
    region: string,
    accountId: string,
    name: string,
): string {
    return arn(partition, "cloudwatch", region, accountId, `alarm:${name}`);
}

/**
 * A KMS key: `arn:aws:kms:<region>:<account>:key/<id>`. The id is random, so only a pattern
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
 * A KMS alias: `arn:aws:kms:<region>:<account>:alias/<name>` (`aliasName` starts with `alias/`).
 * Unlike its key's ARN, it is known before the key exists.
 */
export function kmsAliasArn(
    partition: string,
    region: string,
    accountId: string,
    aliasName: string,
): string {
    return arn(partition, "kms", region, accountId, aliasName);
}

/**
 * `value` (an ARN built from config), as an Output that depends on `resource`: it is known in a
 * preview, like the ARN, and a resource that takes it as an input is still created after
 * `resource`, as it was when it read `resource.arn`. A resource's URN is always known, and its
 * Output carries the resource as a dependency.
 */
export function after<T>(resource: pulumi.Resource, value: T): pulumi.Output<T> {
    return resource.urn.apply(() => value);
}
