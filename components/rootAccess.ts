import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ROOT_ACCESS_TYPE } from "../policypack/componentTypes";
import { ROOT_ACCESS_FEATURES } from "./rootTasks";
import { requireProvider } from "./componentOptions";

export { ROOT_ACCESS_FEATURES, ROOT_TASK_POLICIES, rootTaskPolicyArn } from "./rootTasks";

/** IAM's service principal, for Organizations' trusted access. */
export const IAM_SERVICE_PRINCIPAL = "iam.amazonaws.com";

/**
 * Centralized root access for the organization's member accounts, in the management account:
 * trusted access for IAM, then RootCredentialsManagement and RootSessions.
 *
 * Both resources are retained when removed from the program (`retainOnDelete`). Deleting the
 * trusted access (DisableAWSServiceAccess) would take away the prerequisite AWS documents for both
 * features, and deleting the features would let every member account recover a root password: turning
 * them off is a deliberate step of the runbook (docs/runbook.md#centralized-root-access), never a side
 * effect of a config change. The organization itself (aws.organizations.Organization) is never
 * adopted: its trusted-access list is exclusive and would fight this resource.
 * https://docs.aws.amazon.com/organizations/latest/userguide/services-that-can-integrate-iam.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-enable-root-access.html
 */
export class CentralizedRootAccess extends pulumi.ComponentResource {
    public readonly trustedAccess: aws.organizations.AwsServiceAccess;
    public readonly features: aws.iam.OrganizationsFeatures;

    constructor(name: string, opts: pulumi.ComponentResourceOptions) {
        requireProvider(opts, `CentralizedRootAccess ${name}`, "the management account's provider");
        super(ROOT_ACCESS_TYPE, name, {}, opts);
        const kept = { parent: this, retainOnDelete: true };
        // The Organizations call AWS documents as the prerequisite of both features
        // (aws organizations enable-aws-service-access --service-principal iam.amazonaws.com).
        this.trustedAccess = new aws.organizations.AwsServiceAccess(
            `${name}-iam-trusted-access`,
            { servicePrincipal: IAM_SERVICE_PRINCIPAL },
            kept,
        );
        this.features = new aws.iam.OrganizationsFeatures(
            `${name}-features`,
            { enabledFeatures: [...ROOT_ACCESS_FEATURES] },
            { ...kept, dependsOn: [this.trustedAccess] },
        );
        this.registerOutputs({ trustedAccess: this.trustedAccess, features: this.features });
    }
}
