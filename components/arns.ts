// Every ARN this program names, built from config with the builders of policypack/iam/arn.ts.
//
// AWS makes most ARNs predictable: they are built from the partition, the region, the account and
// a name the program chooses. Built from config rather than read from a resource's `arn` output,
// they are known in the first `pulumi preview` of an empty stack, so every policy document that
// names them is known too and the policy pack checks it there (a document that depends on an
// unknown output would make each mandatory check of it an advisory "can't run policy ... during
// preview"). What AWS does not make predictable (a KMS key's id, an SCP's id) stays an output.
// ARN formats: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
import * as pulumi from "@pulumi/pulumi";

// The builders live in the pack (policypack/iam/arn.ts), which must build on its own and which the
// proofs use too: one builder per ARN family for the program, the pack and the evidence alike.
export {
    accountRootArn,
    arn,
    awsManagedPolicyArn,
    cloudTrailArn,
    cloudWatchAlarmArn,
    iamPolicyArn,
    iamRoleArn,
    iamUserArn,
    kmsAliasArn,
    kmsKeyArn,
    logGroupArn,
    oidcProviderArn,
    s3BucketArn,
    s3ObjectArn,
    snsTopicArn,
} from "../policypack/iam/arn";

/**
 * `value` (an ARN built from config), as an Output that depends on `resource`: it is known in a
 * preview, like the ARN, and a resource that takes it as an input is still created after
 * `resource`, as it was when it read `resource.arn`. A resource's URN is always known, and its
 * Output carries the resource as a dependency.
 */
export function after<T>(resource: pulumi.Resource, value: T): pulumi.Output<T> {
    return resource.urn.apply(() => value);
}
