/**
 * iam-policy-document-valid (mandatory): every IAM policy document the stack deploys is one IAM
 * would accept, so that the other policies can verify it.
 *
 * This is the one policy that reports a malformed document, of every kind: identity policies
 * (aws.iam.Policy, RolePolicy, UserPolicy, GroupPolicy, a Role's inlinePolicies), trust policies
 * (a Role's assumeRolePolicy), resource policies (bucket, key, topic, queue and the other types in
 * documents.ts) and Lambda permissions, and also a CloudFormation template body it cannot read.
 * A resource control policy (aws.organizations.Policy of type RESOURCE_CONTROL_POLICY) is held to
 * the RCP grammar as well (rcp.ts): Principal "*", no NotPrincipal or NotAction, 5,120 characters.
 * Every other policy reads documents with `readDocument`, which skips a malformed one silently, so
 * disabling any other policy never hides a malformed document and none is reported twice.
 */
import { ReportViolation, ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { documentProblem, validateResourceOfTypes } from "./common";
import { documentsOf, DOCUMENT_TYPES } from "./documents";
import { rcpContent, rcpProblems } from "./rcp";
import { resourceType, T } from "./types";

export const NAME = "iam-policy-document-valid";

export function invalidDocumentMessage(where: string, problem: string): string {
    return `${where} is not a valid policy document (${problem}), so it cannot be verified. Fix the document so that IAM would accept it.`;
}

function checkDocuments(type: string) {
    return validateResourceOfType(
        resourceType<Record<string, unknown>>(type),
        (props, _args, report: ReportViolation) => {
            for (const d of documentsOf(type, props)) {
                const problem = documentProblem(d.value, d.kind);
                if (problem !== undefined) report(invalidDocumentMessage(d.where, problem));
            }
        },
    );
}

/** An RCP's content, against the RCP grammar (an SCP's or other policy type's is not read here). */
const rcpValidation = validateResourceOfType(
    resourceType<Record<string, unknown>>(T.OrganizationsPolicy),
    (props, _args, report: ReportViolation) => {
        const problems = rcpProblems(rcpContent(props));
        if (problems.length)
            report(
                `content is not a valid resource control policy (${problems.join("; ")}), so it cannot be verified. Fix the document so that AWS Organizations would accept it: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html`,
            );
    },
);

export const iamPolicyDocumentValid: ResourceValidationPolicy = {
    name: NAME,
    description:
        "Every IAM policy document (identity, trust, resource, Lambda permission, resource control policy) and CloudFormation template body is one IAM would accept; the other policies skip the ones that are not.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfTypes(...DOCUMENT_TYPES.map(checkDocuments), rcpValidation),
};
