/**
 * Regenerates policypack/model/data/policy-types.json: every @pulumi/aws resource type whose
 * arguments carry a policy document, and what kind of policy each property is. Derived from the
 * installed provider's own type definitions, so a type a provider upgrade adds is found here and
 * (until someone classifies it below) reaches the pack as `unknown`, which the pack reports as
 * "not checked" instead of skipping it; test/policypack/policyTypes.spec.ts fails while the
 * committed table and the installed provider disagree.
 *
 * The rule, applied to `<Class>Args` in `<module>/<file>.d.ts` of every class with a
 * `__pulumiType` (and one level into the `inputs.*` objects those args hold, e.g. a Role's
 * `inlinePolicies[].policy` or a Multi-Region Access Point's `details.policy`):
 * a property is policy-carrying when
 *   1. its name ends in `Policy`, `Policies` or `PolicyDocument` (`policy`, `accessPolicies`,
 *      `assumeRolePolicy`, `resourcePolicy`, `inlinePolicy`, `policyDocument`...), or it is the
 *      `content` of a class whose name ends in `Policy` (AWS Organizations' policies); and
 *   2. its type is a single string, optionally a union with a `PolicyDocument` input type (a
 *      document, not an array of names, a number, a flag or a structured setting).
 * Every such property gets a kind from CLASSIFIED below; one not listed there is `unknown`.
 *
 * Grants written as properties, not as a document (a Lambda layer's `principal`, an AMI launch
 * permission's `group: "all"`, a RAM principal association): a property named as a grantee
 * (GRANT_PROPS: `principal`, `principals`, `accountId`, `sourceAccount`, `principalOrgId`,
 * `organizationArn`...) of a class whose name says it grants (GRANT_CLASS: `...Permission`,
 * `...Share`, `...Association`, `...Grant`), an `allowedPrincipals`/`granteePrincipal` of any class,
 * and the `authorizationType` of a `...Url` class. They are classified as `grant` (read by the
 * statement builder of policypack/policies/documents.ts PERMISSION_DOCUMENTS, which a test holds
 * to this table), `none` or `unchecked` like documents, so a grant type a provider upgrade adds
 * reaches the pack as `unknown` and is reported "not checked".
 *
 * Run: npm run update:policy-types   (after upgrading @pulumi/aws)
 */
import * as fs from "fs";
import * as path from "path";
import { defineCommand, Io, runCommand, start, STDIO } from "../cli/command";
import { PROJECT_ROOT } from "../config";
import type { PolicyKind, PolicyTypeTable, PolicyTypeEntry } from "../policypack/model/policyTypes";

export const USAGE = `usage: npm run update:policy-types

Regenerates policypack/model/data/policy-types.json from the installed @pulumi/aws: every resource
type whose arguments carry a policy document, each property with its kind (resource, trust,
identity, cap, organization, unchecked, none, or unknown when scripts/update-policy-types.ts does
not classify it yet). Prints the properties still unknown. Takes no options.`;

// A maintainer's generator, not one of npx org-access's commands: it rewrites files of the sources.
export const command = defineCommand({
    usage: USAGE,
    invocation: "npm run update:policy-types --",
    options: {},
    build: () => ({}),
});

/** Where the table goes: the sources, also when this runs from dist/. */
export const TABLE_FILE = path.join(
    PROJECT_ROOT,
    "policypack",
    "model",
    "data",
    "policy-types.json",
);

/**
 * The kind of every policy-carrying property, decided by reading the provider's documentation of
 * it and the service's. `resource`: an IAM resource-based policy naming principals; `trust`: a
 * role's trust policy; `identity`: an IAM identity policy (a principal's permissions); `cap`: an
 * IAM document that only narrows access granted elsewhere (VPC endpoint and session policies, where
 * `"Principal": "*"` is normal); `organization`: an AWS Organizations policy (SCP, RCP, ...), read
 * by the evidence, not by the document policies; `unchecked`: an access policy in a language other
 * than IAM's (IoT, OpenSearch Serverless, Verified Access's Cedar); `none`: a setting named
 * "policy" that grants nothing (redrive, delivery, lifecycle, TLS...).
 */
const CLASSIFIED: Record<string, Record<string, PolicyKind>> = {
    "aws:acmpca/policy:Policy": { policy: "resource" },
    "aws:alb/listener:Listener": { alpnPolicy: "none", sslPolicy: "none" },
    "aws:alb/loadBalancer:LoadBalancer": { dnsRecordClientRoutingPolicy: "none" },
    "aws:amp/resourcePolicy:ResourcePolicy": { policyDocument: "resource" },
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-custom-domains.html
    "aws:apigateway/domainName:DomainName": { policy: "resource", securityPolicy: "none" },
    "aws:apigateway/restApi:RestApi": { policy: "resource", securityPolicy: "none" },
    "aws:apigateway/restApiPolicy:RestApiPolicy": { policy: "resource" },
    "aws:backup/vaultPolicy:VaultPolicy": { policy: "resource" },
    "aws:apigatewayv2/domainName:DomainName": { "domainNameConfiguration.securityPolicy": "none" },
    "aws:cloudfront/distribution:Distribution": {
        "defaultCacheBehavior.viewerProtocolPolicy": "none",
        "orderedCacheBehaviors[].viewerProtocolPolicy": "none",
    },
    "aws:cloudfront/multitenantDistribution:MultitenantDistribution": {
        "cacheBehaviors[].viewerProtocolPolicy": "none",
        "defaultCacheBehavior.viewerProtocolPolicy": "none",
    },
    "aws:cloudfront/vpcOrigin:VpcOrigin": {
        "vpcOriginEndpointConfig.originProtocolPolicy": "none",
    },
    "aws:cloudsearch/domain:Domain": { "endpointOptions.tlsSecurityPolicy": "none" },
    "aws:elastictranscoder/preset:Preset": {
        "thumbnails.paddingPolicy": "none",
        "thumbnails.sizingPolicy": "none",
        "video.paddingPolicy": "none",
        "video.sizingPolicy": "none",
        "videoWatermarks[].sizingPolicy": "none",
    },
    "aws:emr/cluster:Cluster": { "coreInstanceGroup.autoscalingPolicy": "none" },
    // The access point FSx creates for a volume: https://docs.aws.amazon.com/fsx/latest/ONTAPGuide/s3-ap-manage-access-fsxn.html
    "aws:fsx/s3AccessPointAttachment:S3AccessPointAttachment": {
        "s3AccessPoint.policy": "resource",
    },
    "aws:iot/domainConfiguration:DomainConfiguration": { "tlsConfig.securityPolicy": "none" },
    "aws:lightsail/distribution:Distribution": { "origin.protocolPolicy": "none" },
    // QuickSight row-level security is a dataset's setting, not an IAM grant.
    "aws:quicksight/dataSet:DataSet": { "rowLevelPermissionDataSet.permissionPolicy": "none" },
    "aws:servicediscovery/service:Service": { "dnsConfig.routingPolicy": "none" },
    "aws:ses/configurationSet:ConfigurationSet": { "deliveryOptions.tlsPolicy": "none" },
    "aws:sesv2/configurationSet:ConfigurationSet": {
        "deliveryOptions.tlsPolicy": "none",
        "trackingOptions.httpsPolicy": "none",
    },
    "aws:bedrock/agentDataSource:AgentDataSource": { dataDeletionPolicy: "none" },
    "aws:bedrock/agentcoreResourcePolicy:AgentcoreResourcePolicy": { policy: "resource" },
    "aws:cloudsearch/domainServiceAccessPolicy:DomainServiceAccessPolicy": {
        accessPolicy: "resource",
    },
    "aws:cloudwatch/eventBusPolicy:EventBusPolicy": { policy: "resource" },
    // Account policies are data-protection, subscription-filter, field-index and transformer
    // settings: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutAccountPolicy.html
    "aws:cloudwatch/logAccountPolicy:LogAccountPolicy": { policyDocument: "none" },
    "aws:cloudwatch/logDataProtectionPolicy:LogDataProtectionPolicy": { policyDocument: "none" },
    "aws:cloudwatch/logDeliveryDestinationPolicy:LogDeliveryDestinationPolicy": {
        deliveryDestinationPolicy: "resource",
    },
    "aws:cloudwatch/logDestinationPolicy:LogDestinationPolicy": { accessPolicy: "resource" },
    "aws:cloudwatch/logIndexPolicy:LogIndexPolicy": { policyDocument: "none" },
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": { policyDocument: "resource" },
    "aws:codeartifact/domainPermissions:DomainPermissions": { policyDocument: "resource" },
    "aws:codeartifact/repositoryPermissionsPolicy:RepositoryPermissionsPolicy": {
        policyDocument: "resource",
    },
    "aws:codebuild/resourcePolicy:ResourcePolicy": { policy: "resource" },
    "aws:dlm/lifecyclePolicy:LifecyclePolicy": { defaultPolicy: "none" },
    "aws:dsql/clusterPolicy:ClusterPolicy": { policy: "resource" },
    "aws:dynamodb/resourcePolicy:ResourcePolicy": { policy: "resource" },
    "aws:ec2/fleet:Fleet": { excessCapacityTerminationPolicy: "none" },
    "aws:ec2/spotFleetRequest:SpotFleetRequest": { excessCapacityTerminationPolicy: "none" },
    // An endpoint policy only limits what passes through the endpoint; the default is full access
    // with "Principal": "*". https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html
    "aws:ec2/vpcEndpoint:VpcEndpoint": { policy: "cap" },
    "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy": { policy: "cap" },
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": { policy: "none" },
    "aws:ecr/registryPolicy:RegistryPolicy": { policy: "resource" },
    "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate": {
        lifecyclePolicy: "none",
        repositoryPolicy: "resource",
    },
    "aws:ecr/repositoryPolicy:RepositoryPolicy": { policy: "resource" },
    "aws:ecrpublic/repositoryPolicy:RepositoryPolicy": { policy: "resource" },
    "aws:efs/fileSystemPolicy:FileSystemPolicy": { policy: "resource" },
    "aws:eks/capability:Capability": { deletePropagationPolicy: "none" },
    // A session policy: https://docs.aws.amazon.com/eks/latest/userguide/pod-id-association.html
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": { policy: "cap" },
    "aws:elasticsearch/domain:Domain": {
        accessPolicies: "resource",
        "domainEndpointOptions.tlsSecurityPolicy": "none",
    },
    "aws:elasticsearch/domainPolicy:DomainPolicy": { accessPolicies: "resource" },
    "aws:emr/instanceGroup:InstanceGroup": { autoscalingPolicy: "none" },
    "aws:fsx/lustreFileSystem:LustreFileSystem": { autoImportPolicy: "none" },
    "aws:fsx/ontapVolume:OntapVolume": { snapshotPolicy: "none" },
    "aws:gamelift/fleet:Fleet": { newGameSessionProtectionPolicy: "none" },
    "aws:gamelift/gameServerGroup:GameServerGroup": { gameServerProtectionPolicy: "none" },
    "aws:glacier/vault:Vault": { accessPolicy: "resource" },
    "aws:glacier/vaultLock:VaultLock": { policy: "resource" },
    "aws:glue/resourcePolicy:ResourcePolicy": { policy: "resource" },
    "aws:iam/groupPolicy:GroupPolicy": { policy: "identity" },
    "aws:iam/policy:Policy": { policy: "identity" },
    "aws:iam/role:Role": { assumeRolePolicy: "trust", "inlinePolicies[].policy": "identity" },
    "aws:iam/rolePolicy:RolePolicy": { policy: "identity" },
    "aws:iam/userPolicy:UserPolicy": { policy: "identity" },
    // IoT Core policies have their own grammar: https://docs.aws.amazon.com/iot/latest/developerguide/iot-policies.html
    "aws:iot/policy:Policy": { policy: "unchecked" },
    "aws:kendra/index:Index": { userContextPolicy: "none" },
    "aws:kinesis/resourcePolicy:ResourcePolicy": { policy: "resource" },
    "aws:kms/externalKey:ExternalKey": { policy: "resource" },
    "aws:kms/key:Key": { policy: "resource" },
    "aws:kms/keyPolicy:KeyPolicy": { policy: "resource" },
    "aws:kms/replicaExternalKey:ReplicaExternalKey": { policy: "resource" },
    "aws:kms/replicaKey:ReplicaKey": { policy: "resource" },
    "aws:lambda/resourcePolicy:ResourcePolicy": { policy: "resource" },
    "aws:lb/listener:Listener": { alpnPolicy: "none", sslPolicy: "none" },
    "aws:lb/loadBalancer:LoadBalancer": { dnsRecordClientRoutingPolicy: "none" },
    "aws:mailmanager/ingressPoint:IngressPoint": { tlsPolicy: "none" },
    "aws:mediastore/containerPolicy:ContainerPolicy": { policy: "resource" },
    "aws:msk/clusterPolicy:ClusterPolicy": { policy: "resource" },
    "aws:networkfirewall/resourcePolicy:ResourcePolicy": { policy: "resource" },
    "aws:networkmanager/coreNetwork:CoreNetwork": { basePolicyDocument: "none" },
    "aws:networkmanager/coreNetworkPolicyAttachment:CoreNetworkPolicyAttachment": {
        policyDocument: "none",
    },
    "aws:oam/sinkPolicy:SinkPolicy": { policy: "resource" },
    "aws:odb/network:Network": {
        kmsPolicyDocument: "cap",
        s3PolicyDocument: "cap",
        stsPolicyDocument: "cap",
    },
    "aws:opensearch/domain:Domain": {
        accessPolicies: "resource",
        "domainEndpointOptions.tlsSecurityPolicy": "none",
    },
    "aws:opensearch/domainPolicy:DomainPolicy": { accessPolicies: "resource" },
    // Data access and network policies of OpenSearch Serverless are their own JSON grammar:
    // https://docs.aws.amazon.com/opensearch-service/latest/developerguide/serverless-data-access.html
    "aws:opensearch/serverlessAccessPolicy:ServerlessAccessPolicy": { policy: "unchecked" },
    "aws:opensearch/serverlessLifecyclePolicy:ServerlessLifecyclePolicy": { policy: "none" },
    "aws:opensearch/serverlessSecurityPolicy:ServerlessSecurityPolicy": { policy: "unchecked" },
    "aws:opensearchingest/resourcePolicy:ResourcePolicy": { policy: "resource" },
    "aws:organizations/policy:Policy": { content: "organization" },
    "aws:organizations/resourcePolicy:ResourcePolicy": { content: "resource" },
    "aws:pinpoint/smsvoicev2ResourcePolicy:Smsvoicev2ResourcePolicy": { policy: "resource" },
    "aws:redshift/resourcePolicy:ResourcePolicy": { policy: "resource" },
    "aws:redshiftserverless/resourcePolicy:ResourcePolicy": { policy: "resource" },
    // https://docs.aws.amazon.com/rolesanywhere/latest/userguide/trust-model.html (session policies)
    "aws:rolesanywhere/profile:Profile": { sessionPolicy: "cap" },
    "aws:s3/accessPoint:AccessPoint": { policy: "resource" },
    "aws:s3/bucket:Bucket": { policy: "resource" },
    "aws:s3/bucketPolicy:BucketPolicy": { policy: "resource" },
    "aws:s3/bucketV2:BucketV2": { policy: "resource" },
    "aws:s3/filesFileSystemPolicy:FilesFileSystemPolicy": { policy: "resource" },
    "aws:s3/vectorsVectorBucketPolicy:VectorsVectorBucketPolicy": { policy: "resource" },
    "aws:s3control/accessGrantsInstanceResourcePolicy:AccessGrantsInstanceResourcePolicy": {
        policy: "resource",
    },
    "aws:s3control/accessPointPolicy:AccessPointPolicy": { policy: "resource" },
    "aws:s3control/bucketPolicy:BucketPolicy": { policy: "resource" },
    "aws:s3control/multiRegionAccessPointPolicy:MultiRegionAccessPointPolicy": {
        "details.policy": "resource",
    },
    "aws:s3control/objectLambdaAccessPointPolicy:ObjectLambdaAccessPointPolicy": {
        policy: "resource",
    },
    "aws:s3tables/tableBucketPolicy:TableBucketPolicy": { resourcePolicy: "resource" },
    "aws:s3tables/tablePolicy:TablePolicy": { resourcePolicy: "resource" },
    "aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy": { resourcePolicy: "resource" },
    "aws:schemas/registryPolicy:RegistryPolicy": { policy: "resource" },
    "aws:secretsmanager/secret:Secret": { policy: "resource" },
    "aws:secretsmanager/secretPolicy:SecretPolicy": { policy: "resource" },
    "aws:ses/identityPolicy:IdentityPolicy": { policy: "resource" },
    "aws:ses/receiptFilter:ReceiptFilter": { policy: "none" },
    "aws:ses/receiptRule:ReceiptRule": { tlsPolicy: "none" },
    "aws:sesv2/emailIdentityPolicy:EmailIdentityPolicy": { policy: "resource" },
    "aws:sns/dataProtectionPolicy:DataProtectionPolicy": { policy: "none" },
    "aws:sns/topic:Topic": { archivePolicy: "none", deliveryPolicy: "none", policy: "resource" },
    "aws:sns/topicPolicy:TopicPolicy": { policy: "resource" },
    "aws:sns/topicSubscription:TopicSubscription": {
        deliveryPolicy: "none",
        filterPolicy: "none",
        redrivePolicy: "none",
        replayPolicy: "none",
    },
    "aws:sqs/queue:Queue": {
        policy: "resource",
        redriveAllowPolicy: "none",
        redrivePolicy: "none",
    },
    "aws:sqs/queuePolicy:QueuePolicy": { policy: "resource" },
    "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy": { redriveAllowPolicy: "none" },
    "aws:sqs/redrivePolicy:RedrivePolicy": { redrivePolicy: "none" },
    "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy": {
        inlinePolicy: "identity",
    },
    "aws:storagegateway/nfsFileShare:NfsFileShare": { notificationPolicy: "none" },
    "aws:storagegateway/smbFileShare:SmbFileShare": { notificationPolicy: "none" },
    // Scope-down (session) policies: https://docs.aws.amazon.com/transfer/latest/userguide/users-policies.html
    "aws:transfer/access:Access": { policy: "cap" },
    "aws:transfer/user:User": { policy: "cap" },
    "aws:transfer/webApp:WebApp": { webAppEndpointPolicy: "none" },
    // Cedar: https://docs.aws.amazon.com/verified-access/latest/ug/auth-policies.html
    "aws:verifiedaccess/endpoint:Endpoint": { policyDocument: "unchecked" },
    "aws:verifiedaccess/group:Group": { policyDocument: "unchecked" },
    "aws:vpclattice/authPolicy:AuthPolicy": { policy: "resource" },
    "aws:vpclattice/resourcePolicy:ResourcePolicy": { policy: "resource" },
    "aws:workspacesweb/browserSettings:BrowserSettings": { browserPolicy: "none" },
    "aws:xray/resourcePolicy:ResourcePolicy": { policyDocument: "resource" },
};

/**
 * Grants written as properties, reviewed one by one. `grant`: translated into the resource-policy
 * statement it stands for (policypack/policies/documents.ts PERMISSION_DOCUMENTS) and judged by
 * the one evaluator; `none`: names the owner or a principal of the resource's own account, grants
 * nothing to anyone else; `unchecked`: a grant in a permission model other than IAM's, reported
 * "not checked" whenever it is set.
 */
const CLASSIFIED_GRANTS: Record<string, Record<string, PolicyKind>> = {
    // https://docs.aws.amazon.com/privateca/latest/APIReference/API_CreatePermission.html
    "aws:acmpca/permission:Permission": { principal: "grant", sourceAccount: "grant" },
    // https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutPermission.html
    "aws:cloudwatch/eventPermission:EventPermission": { principal: "grant" },
    // DataZone grants to DataZone users, groups and projects, not to IAM principals.
    "aws:datazone/policyGrant:PolicyGrant": { principal: "unchecked" },
    // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyImageAttribute.html
    "aws:ec2/amiLaunchPermission:AmiLaunchPermission": {
        accountId: "grant",
        group: "grant",
        organizationArn: "grant",
        organizationalUnitArn: "grant",
    },
    // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNetworkInterfacePermission.html
    "aws:ec2/networkInterfacePermission:NetworkInterfacePermission": { awsAccountId: "grant" },
    // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifySnapshotAttribute.html
    "aws:ec2/snapshotCreateVolumePermission:SnapshotCreateVolumePermission": {
        accountId: "grant",
    },
    // https://docs.aws.amazon.com/vpc/latest/privatelink/configure-endpoint-service.html#add-remove-permissions
    "aws:ec2/vpcEndpointService:VpcEndpointService": { allowedPrincipals: "grant" },
    "aws:ec2/vpcEndpointServiceAllowedPrinciple:VpcEndpointServiceAllowedPrinciple": {
        principalArn: "grant",
    },
    // Kubernetes permissions for an IAM principal that has an access entry on the cluster; who can
    // become that principal is its trust policy, which the pack reads.
    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": { principalArn: "none" },
    // IAM Identity Center users of the workspace.
    "aws:grafana/roleAssociation:RoleAssociation": { userIds: "none" },
    // The member account Inspector is enabled for by the delegated administrator.
    "aws:inspector2/memberAssociation:MemberAssociation": { accountId: "none" },
    // https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateGrant.html
    "aws:kms/grant:Grant": { granteePrincipal: "grant" },
    // Lake Formation's own permission model (data-location and table grants, IAM_ALLOWED_PRINCIPALS).
    "aws:lakeformation/permissions:Permissions": { principal: "unchecked" },
    // A URL with authorization NONE is public only with a lambda:InvokeFunctionUrl statement for
    // "*" in the function's resource policy, which is read (aws.lambda.Permission):
    // https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html
    "aws:lambda/functionUrl:FunctionUrl": { authorizationType: "none" },
    // https://docs.aws.amazon.com/lambda/latest/api/API_AddLayerVersionPermission.html
    "aws:lambda/layerVersionPermission:LayerVersionPermission": {
        organizationId: "grant",
        principal: "grant",
    },
    // https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html
    "aws:lambda/permission:Permission": {
        principal: "grant",
        principalOrgId: "grant",
        sourceAccount: "grant",
        sourceArn: "grant",
    },
    // License Manager distributes license entitlements, not access to the account's resources.
    "aws:licensemanager/licenseGrant:LicenseGrant": { principal: "unchecked" },
    // The account that owns the QuickSight subscription.
    "aws:quicksight/customPermissions:CustomPermissions": { awsAccountId: "none" },
    "aws:quicksight/roleCustomPermission:RoleCustomPermission": { awsAccountId: "none" },
    "aws:quicksight/userCustomPermission:UserCustomPermission": { awsAccountId: "none" },
    // https://docs.aws.amazon.com/ram/latest/APIReference/API_AssociateResourceShare.html
    "aws:ram/principalAssociation:PrincipalAssociation": { principal: "grant" },
    "aws:ram/resourceShareAssociationsExclusive:ResourceShareAssociationsExclusive": {
        principals: "grant",
    },
    // Lets the share's associations name accounts outside the organization; what is shared with
    // whom is the associations, which are read. https://docs.aws.amazon.com/ram/latest/userguide/working-with-sharing-create.html
    "aws:ram/resourceShare:ResourceShare": { allowExternalPrincipals: "none" },
    // S3 Access Grants: the owner account; the grantee is an identity of the instance's own
    // account or its directory.
    "aws:s3control/accessGrant:AccessGrant": { accountId: "none", grantee: "unchecked" },
    "aws:s3control/accessGrantsInstance:AccessGrantsInstance": { accountId: "none" },
    "aws:s3control/accessGrantsInstanceResourcePolicy:AccessGrantsInstanceResourcePolicy": {
        accountId: "none",
    },
    "aws:s3control/accessGrantsLocation:AccessGrantsLocation": { accountId: "none" },
    // https://docs.aws.amazon.com/servicecatalog/latest/dg/API_CreatePortfolioShare.html
    "aws:servicecatalog/portfolioShare:PortfolioShare": { principalId: "grant" },
    // An IAM principal (or name pattern) of the portfolio's own account.
    "aws:servicecatalog/principalPortfolioAssociation:PrincipalPortfolioAssociation": {
        principalArn: "none",
    },
    // https://docs.aws.amazon.com/signer/latest/api/API_AddProfilePermission.html
    "aws:signer/signingProfilePermission:SigningProfilePermission": { principal: "grant" },
};

/** Class names of resources that grant with properties (see the rule above). */
const GRANT_CLASS = /Permission|Share|Association|Grant|Principle$/;
/** Properties that name a grantee (or narrow one) on a GRANT_CLASS class. */
const GRANT_PROPS = new Set([
    "principal",
    "principals",
    "principalArn",
    "principalId",
    "principalOrgId",
    "sourceAccount",
    "sourceArn",
    "accountId",
    "accountIds",
    "awsAccountId",
    "organizationId",
    "organizationArn",
    "organizationalUnitArn",
    "group",
    "allowExternalPrincipals",
    "grantee",
    "granteePrincipal",
    "userIds",
]);
/** Grantee properties read on any class. */
const ANY_CLASS_GRANT_PROPS = new Set(["allowedPrincipals", "granteePrincipal"]);

function isGrantProp(cls: string, name: string): boolean {
    return (
        ANY_CLASS_GRANT_PROPS.has(name) ||
        (GRANT_CLASS.test(cls) && GRANT_PROPS.has(name)) ||
        (/Url$/.test(cls) && name === "authorizationType")
    );
}

/**
 * IAM service prefixes of types whose module name is not the prefix (the pack probes NotAction
 * statements with an action of the resource's service).
 * https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 */
const SERVICES: Record<string, string> = {
    acmpca: "acm-pca",
    amp: "aps",
    apigateway: "execute-api",
    bedrock: "bedrock-agentcore",
    cloudwatch: "logs",
    "aws:cloudwatch/eventBusPolicy:EventBusPolicy": "events",
    "aws:cloudwatch/eventPermission:EventPermission": "events",
    ecrpublic: "ecr-public",
    licensemanager: "license-manager",
    fsx: "s3",
    efs: "elasticfilesystem",
    elasticsearch: "es",
    msk: "kafka",
    networkfirewall: "network-firewall",
    opensearch: "es",
    opensearchingest: "osis",
    pinpoint: "sms-voice",
    redshiftserverless: "redshift-serverless",
    s3: "s3",
    "aws:s3/filesFileSystemPolicy:FilesFileSystemPolicy": "s3files",
    "aws:s3/vectorsVectorBucketPolicy:VectorsVectorBucketPolicy": "s3vectors",
    "aws:s3control/bucketPolicy:BucketPolicy": "s3-outposts",
    "aws:s3control/objectLambdaAccessPointPolicy:ObjectLambdaAccessPointPolicy": "s3-object-lambda",
    s3control: "s3",
    sesv2: "ses",
    vpclattice: "vpc-lattice",
    "aws:vpclattice/authPolicy:AuthPolicy": "vpc-lattice-svcs",
};

const NAME_RULE = /(^p|P)olic(y|ies)(Document)?$/;

/** A string, or a string in a union with a PolicyDocument input type; never an array. */
function isDocumentType(type: string): boolean {
    const inner = type.replace(/^pulumi\.Input<(.*)>$/s, "$1");
    if (inner.includes("[]")) return false;
    const parts = inner.split("|").map((p) => p.trim());
    return (
        parts.includes("string") &&
        parts.every((p) => p === "string" || p === "undefined" || /PolicyDocument$/.test(p))
    );
}

/** The `name?: type;` members of an interface body (4-space or 8-space indented). */
function members(body: string): Array<{ name: string; type: string }> {
    return [...body.matchAll(/^ {4,8}(\w+)\??: (.*);$/gm)].map((m) => ({
        name: m[1],
        type: m[2],
    }));
}

/** `inputs.<ns>.<Name>` interfaces of types/input.d.ts, by `<ns>.<Name>`. */
function inputInterfaces(awsRoot: string): Map<string, string> {
    const text = fs.readFileSync(path.join(awsRoot, "types", "input.d.ts"), "utf8");
    const out = new Map<string, string>();
    let ns = "";
    for (const block of text.split(/^export declare namespace /m).slice(1)) {
        ns = block.slice(0, block.indexOf(" "));
        for (const m of block.matchAll(/^ {4}interface (\w+) \{\n([\s\S]*?)^ {4}\}$/gm))
            out.set(`${ns}.${m[1]}`, m[2]);
    }
    return out;
}

function* classFiles(dir: string): Generator<string> {
    for (const f of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, f.name);
        if (f.isDirectory()) {
            if (f.name !== "types" && f.name !== "node_modules") yield* classFiles(p);
        } else if (f.name.endsWith(".js")) yield p;
    }
}

function isPolicyProp(cls: string, name: string, type: string): boolean {
    return (
        (NAME_RULE.test(name) || (name === "content" && cls.endsWith("Policy"))) &&
        isDocumentType(type)
    );
}

function serviceOf(token: string): string {
    const module = token.split(/[:/]/)[1];
    return SERVICES[token] ?? SERVICES[module] ?? module;
}

/** The table for the @pulumi/aws installed at `awsRoot`, by the rule above. */
export function derivePolicyTypes(awsRoot: string): PolicyTypeTable {
    const version = (
        JSON.parse(fs.readFileSync(path.join(awsRoot, "package.json"), "utf8")) as {
            version: string;
        }
    ).version;
    const inputs = inputInterfaces(awsRoot);
    const types: Record<string, PolicyTypeEntry> = {};
    for (const file of classFiles(awsRoot)) {
        const js = fs.readFileSync(file, "utf8");
        const token = /static __pulumiType = '([^']+)'/.exec(js)?.[1];
        if (!token) continue;
        const cls = token.split(":").pop()!;
        const dts = fs.readFileSync(file.replace(/\.js$/, ".d.ts"), "utf8");
        const args = new RegExp(`^export interface ${cls}Args \\{\\n([\\s\\S]*?)^\\}$`, "m").exec(
            dts,
        );
        if (!args) continue;
        const props: Record<string, PolicyKind> = {};
        for (const m of members(args[1])) {
            if (isPolicyProp(cls, m.name, m.type) || isGrantProp(cls, m.name))
                props[m.name] = "unknown";
            // One level into the objects the args hold: `inputs.<ns>.<Name>` or an array of them.
            const nested = /inputs\.(\w+\.\w+)>?(\[\])?/.exec(m.type);
            const body = nested && inputs.get(nested[1]);
            if (!body) continue;
            for (const n of members(body))
                if (isPolicyProp("", n.name, n.type))
                    props[`${m.name}${nested[2] ? "[]" : ""}.${n.name}`] = "unknown";
        }
        if (Object.keys(props).length === 0) continue;
        for (const p of Object.keys(props))
            props[p] = CLASSIFIED[token]?.[p] ?? CLASSIFIED_GRANTS[token]?.[p] ?? "unknown";
        types[token] = { service: serviceOf(token), props: sortKeys(props) };
    }
    return {
        source: `@pulumi/aws@${version}`,
        rule: "scripts/update-policy-types.ts",
        types: sortKeys(types),
    };
}

function sortKeys<V>(o: Record<string, V>): Record<string, V> {
    return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}

/** The table as committed: one type a line, so a provider upgrade's diff reads type by type. */
export function renderTable(t: PolicyTypeTable): string {
    const lines = Object.entries(t.types).map(
        ([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`,
    );
    return `{\n "source": ${JSON.stringify(t.source)},\n "rule": ${JSON.stringify(t.rule)},\n "types": {\n${lines.join(",\n")}\n }\n}\n`;
}

export const AWS_ROOT = path.dirname(require.resolve("@pulumi/aws/package.json"));

export function main(argv: readonly string[], io: Io = STDIO): number {
    return runCommand(command, argv, io, () => {
        const table = derivePolicyTypes(AWS_ROOT);
        fs.mkdirSync(path.dirname(TABLE_FILE), { recursive: true });
        fs.writeFileSync(TABLE_FILE, renderTable(table));
        const entries = Object.entries(table.types);
        const unknown = entries.flatMap(([t, e]) =>
            Object.entries(e.props)
                .filter(([, k]) => k === "unknown")
                .map(([p]) => `${t} ${p}`),
        );
        // Classifications the provider no longer has a property for (renamed or removed types).
        const stale = [...Object.entries(CLASSIFIED), ...Object.entries(CLASSIFIED_GRANTS)].flatMap(
            ([t, props]) =>
                Object.keys(props)
                    .filter((p) => table.types[t]?.props[p] === undefined)
                    .map((p) => `${t} ${p}`),
        );
        io.out.write(
            `${entries.length} policy-carrying types read from ${table.source}; ${unknown.length} properties not classified yet (the pack reports them "not checked"; classify them in scripts/update-policy-types.ts)\n` +
                unknown.map((u) => `  unknown: ${u}\n`).join("") +
                stale
                    .map((u) => `  no longer in the provider (remove from CLASSIFIED): ${u}\n`)
                    .join(""),
        );
        return 0;
    });
}

if (require.main === module) start(main);
