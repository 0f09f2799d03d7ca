/**
 * Resource type tokens and light "class handles" for `validateResourceOfType`. The pack does not
 * depend on @pulumi/aws (it must stay small and self-contained for `pulumi policy publish`); the
 * tokens are checked against @pulumi/aws's `__pulumiType` values in test/policypack/types.spec.ts.
 */
import type { Resource } from "@pulumi/pulumi";

export const T = {
    Role: "aws:iam/role:Role",
    Policy: "aws:iam/policy:Policy",
    RolePolicy: "aws:iam/rolePolicy:RolePolicy",
    UserPolicy: "aws:iam/userPolicy:UserPolicy",
    GroupPolicy: "aws:iam/groupPolicy:GroupPolicy",
    PolicyAttachment: "aws:iam/policyAttachment:PolicyAttachment",
    RolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    UserPolicyAttachment: "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    GroupPolicyAttachment: "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
    RolePolicyAttachmentsExclusive:
        "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
    UserPolicyAttachmentsExclusive:
        "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive",
    GroupPolicyAttachmentsExclusive:
        "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive",
    UserPoliciesExclusive: "aws:iam/userPoliciesExclusive:UserPoliciesExclusive",
    User: "aws:iam/user:User",
    AccessKey: "aws:iam/accessKey:AccessKey",
    UserLoginProfile: "aws:iam/userLoginProfile:UserLoginProfile",
    UserGroupMembership: "aws:iam/userGroupMembership:UserGroupMembership",
    Group: "aws:iam/group:Group",
    GroupMembership: "aws:iam/groupMembership:GroupMembership",
    StackSet: "aws:cloudformation/stackSet:StackSet",
    OrganizationsPolicy: "aws:organizations/policy:Policy",
    OrganizationsPolicyAttachment: "aws:organizations/policyAttachment:PolicyAttachment",
    Bucket: "aws:s3/bucket:Bucket",
    BucketV2: "aws:s3/bucketV2:BucketV2",
    BucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    BucketPublicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    AccountPublicAccessBlock: "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",
    BucketVersioning: "aws:s3/bucketVersioning:BucketVersioning",
    BucketVersioningV2: "aws:s3/bucketVersioningV2:BucketVersioningV2",
    BucketObjectLockConfiguration:
        "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
    BucketObjectLockConfigurationV2:
        "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2",
    Key: "aws:kms/key:Key",
    KeyPolicy: "aws:kms/keyPolicy:KeyPolicy",
    Topic: "aws:sns/topic:Topic",
    TopicPolicy: "aws:sns/topicPolicy:TopicPolicy",
    Queue: "aws:sqs/queue:Queue",
    QueuePolicy: "aws:sqs/queuePolicy:QueuePolicy",
    LambdaPermission: "aws:lambda/permission:Permission",
    LambdaFunction: "aws:lambda/function:Function",
    EventPermission: "aws:cloudwatch/eventPermission:EventPermission",
    EventBusPolicy: "aws:cloudwatch/eventBusPolicy:EventBusPolicy",
    LayerVersionPermission: "aws:lambda/layerVersionPermission:LayerVersionPermission",
    SigningProfilePermission: "aws:signer/signingProfilePermission:SigningProfilePermission",
    PortfolioShare: "aws:servicecatalog/portfolioShare:PortfolioShare",
    VpcEndpointServiceAllowedPrinciple:
        "aws:ec2/vpcEndpointServiceAllowedPrinciple:VpcEndpointServiceAllowedPrinciple",
    ResourceShareAssociationsExclusive:
        "aws:ram/resourceShareAssociationsExclusive:ResourceShareAssociationsExclusive",
    SecretPolicy: "aws:secretsmanager/secretPolicy:SecretPolicy",
    EcrRepositoryPolicy: "aws:ecr/repositoryPolicy:RepositoryPolicy",
    LogResourcePolicy: "aws:cloudwatch/logResourcePolicy:LogResourcePolicy",
    EfsFileSystemPolicy: "aws:efs/fileSystemPolicy:FileSystemPolicy",
    OpenSearchDomainPolicy: "aws:opensearch/domainPolicy:DomainPolicy",
    BackupVaultPolicy: "aws:backup/vaultPolicy:VaultPolicy",
    Trail: "aws:cloudtrail/trail:Trail",
    PermissionSet: "aws:ssoadmin/permissionSet:PermissionSet",
    PermissionSetInlinePolicy: "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy",
    ManagedPolicyAttachment: "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment",
    ManagedPolicyAttachmentsExclusive:
        "aws:ssoadmin/managedPolicyAttachmentsExclusive:ManagedPolicyAttachmentsExclusive",
    CustomerManagedPolicyAttachment:
        "aws:ssoadmin/customerManagedPolicyAttachment:CustomerManagedPolicyAttachment",
    CustomerManagedPolicyAttachmentsExclusive:
        "aws:ssoadmin/customerManagedPolicyAttachmentsExclusive:CustomerManagedPolicyAttachmentsExclusive",
    PermissionsBoundaryAttachment:
        "aws:ssoadmin/permissionsBoundaryAttachment:PermissionsBoundaryAttachment",
    AwsProvider: "pulumi:providers:aws",
} as const;

export type ResourceClass<TArgs> = {
    new (name: string, args: TArgs, ...rest: unknown[]): Resource;
};

/** A stand-in for a resource class: carries `__pulumiType`, which is all the policy SDK reads. */
export function resourceType<TArgs>(token: string): ResourceClass<TArgs> {
    class Handle {
        static readonly __pulumiType = token;
        static isInstance(o: unknown): boolean {
            return (o as { __pulumiType?: string } | undefined)?.__pulumiType === token;
        }
    }
    return Handle as unknown as ResourceClass<TArgs>;
}

interface ClassLike {
    __pulumiType?: unknown;
    isInstance?: (o: unknown) => boolean;
}

/**
 * Whether a resource of `type` is an instance of `resourceClass`: the engine's isTypeOf
 * (`__pulumiType`, else the class's `isInstance`). The runner and the template expansion use it.
 */
export function isTypeOf(type: string, resourceClass: unknown): boolean {
    const t = (resourceClass as ClassLike | undefined)?.__pulumiType;
    if (typeof t === "string" && t.length > 0) return type === t;
    const isInstance = (resourceClass as ClassLike | undefined)?.isInstance;
    return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}
