/** Every policy of the pack, in the order they run. */
import { Policies } from "@pulumi/policy";
import { auditRolePerWorkloadAccount } from "./auditRolePerWorkloadAccount";
import { awsProviderAllowedAccounts } from "./awsProviderAllowedAccounts";
import { cloudtrailHardened } from "./cloudtrailHardened";
import { iamNoAdminGrants } from "./iamNoAdminGrants";
import { iamNoEscalationActions } from "./iamNoEscalationActions";
import { iamNoHumanAccessKeys } from "./iamNoHumanAccessKeys";
import { iamNoUserPolicies } from "./iamNoUserPolicies";
import { iamNoWildcardPrincipal } from "./iamNoWildcardPrincipal";
import { iamPassRoleScoped } from "./iamPassRoleScoped";
import { iamRoleSessionCap } from "./iamRoleSessionCap";
import { iamTrustRequiresMfa } from "./iamTrustRequiresMfa";
import { s3LogBucketProtected } from "./s3LogBucketProtected";
import { extendToTemplates } from "./templates";

/**
 * Every resource policy also checks the IAM resources inside CloudFormation templates (StackSet
 * mode deploys the audit role that way); iam-no-admin-grants reports a template it cannot read.
 */
export const policies: Policies = extendToTemplates(
    [
        iamNoWildcardPrincipal,
        iamTrustRequiresMfa,
        iamNoAdminGrants,
        iamRoleSessionCap,
        iamNoHumanAccessKeys,
        iamNoUserPolicies,
        iamPassRoleScoped,
        iamNoEscalationActions,
        cloudtrailHardened,
        s3LogBucketProtected,
        awsProviderAllowedAccounts,
        auditRolePerWorkloadAccount,
    ],
    "iam-no-admin-grants",
);

export {
    auditRolePerWorkloadAccount,
    awsProviderAllowedAccounts,
    cloudtrailHardened,
    iamNoAdminGrants,
    iamNoEscalationActions,
    iamNoHumanAccessKeys,
    iamNoUserPolicies,
    iamNoWildcardPrincipal,
    iamPassRoleScoped,
    iamRoleSessionCap,
    iamTrustRequiresMfa,
    s3LogBucketProtected,
};
