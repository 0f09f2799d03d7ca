/** Every policy of the pack, in the order they run. */
import { Policies } from "@pulumi/policy";
import { auditRolePerWorkloadAccount } from "./auditRolePerWorkloadAccount";
import { iamAssumeRoleBounded } from "./iamAssumeRoleBounded";
import { awsProviderAllowedAccounts } from "./awsProviderAllowedAccounts";
import { cloudtrailHardened } from "./cloudtrailHardened";
import { iamNoAdminGrants } from "./iamNoAdminGrants";
import { iamNoAdminPrincipals } from "./iamNoAdminPrincipals";
import { iamNoEscalationActions } from "./iamNoEscalationActions";
import { iamNoHumanAccessKeys } from "./iamNoHumanAccessKeys";
import { iamNoUserPolicies } from "./iamNoUserPolicies";
import { iamNoWildcardPrincipal } from "./iamNoWildcardPrincipal";
import { iamPolicyDocumentValid, NAME as DOCUMENT_VALID } from "./iamPolicyDocumentValid";
import { iamPassRoleScoped } from "./iamPassRoleScoped";
import { iamRoleSessionCap } from "./iamRoleSessionCap";
import { iamTrustRequiresMfa } from "./iamTrustRequiresMfa";
import { policyDocumentNotChecked } from "./policyDocumentNotChecked";
import { rcpPerimeterSound } from "./rcpPerimeterSound";
import { s3LogBucketProtected } from "./s3LogBucketProtected";
import { withSuppressionSchema } from "../suppressions";
import { extendToTemplates } from "./templates";

/**
 * Every resource policy also checks the IAM resources inside CloudFormation templates (StackSet
 * mode deploys the audit role that way). iam-policy-document-valid reports every malformed IAM
 * document and every template it cannot read; the other policies skip them.
 * policy-document-not-checked names the template statements whose Action or principal the template
 * leaves to the stack instance, and templates with more variants than the pack resolves (cfn.ts).
 */
export const policies: Policies = extendToTemplates(
    [
        iamPolicyDocumentValid,
        iamNoWildcardPrincipal,
        iamTrustRequiresMfa,
        iamNoAdminGrants,
        iamNoAdminPrincipals,
        iamRoleSessionCap,
        iamNoHumanAccessKeys,
        iamNoUserPolicies,
        iamPassRoleScoped,
        iamNoEscalationActions,
        iamAssumeRoleBounded,
        rcpPerimeterSound,
        policyDocumentNotChecked,
        cloudtrailHardened,
        s3LogBucketProtected,
        awsProviderAllowedAccounts,
        auditRolePerWorkloadAccount,
    ],
    DOCUMENT_VALID,
    policyDocumentNotChecked.name,
).map(withSuppressionSchema);

export {
    auditRolePerWorkloadAccount,
    awsProviderAllowedAccounts,
    cloudtrailHardened,
    iamAssumeRoleBounded,
    iamNoAdminGrants,
    iamNoAdminPrincipals,
    iamNoEscalationActions,
    iamNoHumanAccessKeys,
    iamNoUserPolicies,
    iamNoWildcardPrincipal,
    iamPassRoleScoped,
    iamPolicyDocumentValid,
    iamRoleSessionCap,
    iamTrustRequiresMfa,
    policyDocumentNotChecked,
    rcpPerimeterSound,
    s3LogBucketProtected,
};
