import * as assert from "assert";
import * as aws from "@pulumi/aws";
import { T } from "../../policypack/policies/types";
import { pulumiTypeOf } from "./helpers";

describe("policy pack type tokens", () => {
    it("match @pulumi/aws's __pulumiType values", () => {
        const classes: Record<keyof typeof T, object> = {
            Role: aws.iam.Role,
            Policy: aws.iam.Policy,
            RolePolicy: aws.iam.RolePolicy,
            UserPolicy: aws.iam.UserPolicy,
            GroupPolicy: aws.iam.GroupPolicy,
            PolicyAttachment: aws.iam.PolicyAttachment,
            RolePolicyAttachment: aws.iam.RolePolicyAttachment,
            UserPolicyAttachment: aws.iam.UserPolicyAttachment,
            GroupPolicyAttachment: aws.iam.GroupPolicyAttachment,
            RolePolicyAttachmentsExclusive: aws.iam.RolePolicyAttachmentsExclusive,
            UserPolicyAttachmentsExclusive: aws.iam.UserPolicyAttachmentsExclusive,
            GroupPolicyAttachmentsExclusive: aws.iam.GroupPolicyAttachmentsExclusive,
            UserPoliciesExclusive: aws.iam.UserPoliciesExclusive,
            User: aws.iam.User,
            AccessKey: aws.iam.AccessKey,
            UserLoginProfile: aws.iam.UserLoginProfile,
            UserGroupMembership: aws.iam.UserGroupMembership,
            Group: aws.iam.Group,
            GroupMembership: aws.iam.GroupMembership,
            StackSet: aws.cloudformation.StackSet,
            OrganizationsPolicy: aws.organizations.Policy,
            OrganizationsPolicyAttachment: aws.organizations.PolicyAttachment,
            Bucket: aws.s3.Bucket,
            BucketV2: aws.s3.BucketV2,
            BucketPolicy: aws.s3.BucketPolicy,
            BucketPublicAccessBlock: aws.s3.BucketPublicAccessBlock,
            AccountPublicAccessBlock: aws.s3.AccountPublicAccessBlock,
            BucketVersioning: aws.s3.BucketVersioning,
            BucketVersioningV2: aws.s3.BucketVersioningV2,
            BucketObjectLockConfiguration: aws.s3.BucketObjectLockConfiguration,
            BucketObjectLockConfigurationV2: aws.s3.BucketObjectLockConfigurationV2,
            Key: aws.kms.Key,
            KeyPolicy: aws.kms.KeyPolicy,
            Topic: aws.sns.Topic,
            TopicPolicy: aws.sns.TopicPolicy,
            Queue: aws.sqs.Queue,
            QueuePolicy: aws.sqs.QueuePolicy,
            LambdaPermission: aws.lambda.Permission,
            LambdaFunction: aws.lambda.Function,
            EventPermission: aws.cloudwatch.EventPermission,
            EventBusPolicy: aws.cloudwatch.EventBusPolicy,
            LayerVersionPermission: aws.lambda.LayerVersionPermission,
            SigningProfilePermission: aws.signer.SigningProfilePermission,
            PortfolioShare: aws.servicecatalog.PortfolioShare,
            VpcEndpointServiceAllowedPrinciple: aws.ec2.VpcEndpointServiceAllowedPrinciple,
            ResourceShareAssociationsExclusive: aws.ram.ResourceShareAssociationsExclusive,
            SecretPolicy: aws.secretsmanager.SecretPolicy,
            EcrRepositoryPolicy: aws.ecr.RepositoryPolicy,
            LogResourcePolicy: aws.cloudwatch.LogResourcePolicy,
            EfsFileSystemPolicy: aws.efs.FileSystemPolicy,
            OpenSearchDomainPolicy: aws.opensearch.DomainPolicy,
            BackupVaultPolicy: aws.backup.VaultPolicy,
            Trail: aws.cloudtrail.Trail,
            PermissionSet: aws.ssoadmin.PermissionSet,
            PermissionSetInlinePolicy: aws.ssoadmin.PermissionSetInlinePolicy,
            ManagedPolicyAttachment: aws.ssoadmin.ManagedPolicyAttachment,
            ManagedPolicyAttachmentsExclusive: aws.ssoadmin.ManagedPolicyAttachmentsExclusive,
            CustomerManagedPolicyAttachment: aws.ssoadmin.CustomerManagedPolicyAttachment,
            CustomerManagedPolicyAttachmentsExclusive:
                aws.ssoadmin.CustomerManagedPolicyAttachmentsExclusive,
            PermissionsBoundaryAttachment: aws.ssoadmin.PermissionsBoundaryAttachment,
            AwsProvider: aws.Provider,
        };
        for (const [k, cls] of Object.entries(classes)) {
            // The provider's token is "aws" in the SDK; the engine prefixes provider types with pulumi:providers:.
            const expected =
                k === "AwsProvider" ? `pulumi:providers:${pulumiTypeOf(cls)}` : pulumiTypeOf(cls);
            assert.strictEqual(T[k as keyof typeof T], expected, k);
        }
    });
});
