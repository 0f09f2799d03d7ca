/**
 * Resource control policies (RCPs): the AWS Organizations policies that cap what any principal,
 * inside the organization or not, may do to the member accounts' resources. An RCP never grants;
 * it only denies. What the pack knows about their documents is here, read by three policies:
 *
 * - iam-policy-document-valid: the RCP grammar. Version must be "2012-10-17", every Effect must
 *   be Deny (AWS supports Allow only in its own RCPFullAWSAccess, which it attaches itself and no
 *   plan defines), Principal must be `"*"` (conditions say whom a statement is about),
 *   NotPrincipal and NotAction are not RCP elements, and the document is at most 5,120
 *   characters, white space included (the limit the program's guardrails check too,
 *   model/organizationPolicies.ts).
 *   https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html
 *   https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
 * - iam-no-wildcard-principal: a Deny's required Principal `"*"` is never a grant.
 * - rcp-perimeter-sound: a statement whose actions belong to no service RCPs apply to restricts
 *   nothing, and a Deny (a data perimeter on aws:PrincipalOrgID, say) without an exception for AWS
 *   services acting for the organization stops CloudTrail delivering the organization trail's logs.
 */
import { globMatch, PolicyDocument, Statement } from "../iam";
import { ORGANIZATION_POLICY_TYPES } from "../model/organizationPolicies";
import { documentProblem, readDocument } from "./common";

/** The `type` of an aws.organizations.Policy that is an RCP. */
export const RCP_TYPE = "RESOURCE_CONTROL_POLICY";

/** The most characters AWS accepts in an RCP, white space included. */
export const RCP_MAX_CHARACTERS = ORGANIZATION_POLICY_TYPES.RESOURCE_CONTROL_POLICY.maxCharacters;

/**
 * The IAM service prefixes RCPs apply to, AWS's own list ("List of AWS services that support
 * RCPs"), each group with its source:
 * - S3, STS, KMS, SQS, Secrets Manager (the launch list):
 *   https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html#rcp-supported-services
 *   https://docs.aws.amazon.com/controltower/latest/controlreference/rcp-controls.html
 * - ECR and OpenSearch Serverless (June 2025), on the same AWS list as quoted in
 *   https://dev.classmethod.jp/articles/aws-expands-resource-control-policies-202601 and reported
 *   in https://stackpioneers.com/2025/06/23/guide-to-understanding-aws-resource-control-policies-rcps
 * - Cognito (both prefixes) and CloudWatch Logs (January 2026):
 *   https://dev.classmethod.jp/articles/aws-expands-resource-control-policies-202601
 * - DynamoDB (February 2026): https://aws.amazon.com/about-aws/whats-new/2026/02/aws-expands-resource-control-policies-amazon/
 *   as quoted in https://dev.classmethod.jp/articles/aws-expands-resource-control-policies-202602
 * IAM Roles Anywhere is not on AWS's list (only aws-samples policies name it), so a Deny of its
 * actions is reported as restricting nothing.
 */
export const RCP_SERVICES: readonly string[] = [
    "s3",
    "sts",
    "kms",
    "sqs",
    "secretsmanager",
    "ecr",
    "aoss",
    "cognito-identity",
    "cognito-idp",
    "logs",
    "dynamodb",
];

/** The document property of an aws.organizations.Policy, when the policy is an RCP. */
export function rcpContent(props: Record<string, unknown>): unknown {
    return props.type === RCP_TYPE ? props.content : undefined;
}

/** The characters AWS counts: the string as written, or an object as compact JSON. */
function characters(content: unknown): number {
    return typeof content === "string" ? content.length : JSON.stringify(content).length;
}

function raw(content: unknown): unknown {
    if (typeof content !== "string") return content;
    try {
        return JSON.parse(content);
    } catch {
        return undefined;
    }
}

/** The raw statements of a parsed-OK document (a single object or an array). */
function rawStatements(content: unknown): Array<Record<string, unknown>> {
    const doc = raw(content) as { Statement?: unknown } | undefined;
    const s = doc?.Statement;
    const list = Array.isArray(s) ? s : s === undefined ? [] : [s];
    return list.filter((x): x is Record<string, unknown> => typeof x === "object" && x !== null);
}

function label(i: number, st: Record<string, unknown>): string {
    return typeof st.Sid === "string" && st.Sid !== ""
        ? `Statement[${i}] (Sid "${st.Sid}")`
        : `Statement[${i}]`;
}

/** The only policy language version AWS accepts in an RCP (the syntax page's Version row). */
export const RCP_VERSION = "2012-10-17";

/**
 * Every way the RCP breaks AWS's grammar, for iam-policy-document-valid: the IAM parse problem,
 * or the size and the RCP-only rules (Version "2012-10-17", Effect Deny, Principal `"*"`, no
 * NotPrincipal, no NotAction).
 */
export function rcpProblems(content: unknown): string[] {
    if (content === undefined || content === null || content === "") return [];
    const problems: string[] = [];
    const size = characters(content);
    if (size > RCP_MAX_CHARACTERS)
        problems.push(
            `it is ${size} characters; AWS accepts at most ${RCP_MAX_CHARACTERS} in an RCP, white space included`,
        );
    const parse = documentProblem(content, "resource");
    if (parse !== undefined) return [...problems, parse];
    const version = (raw(content) as { Version?: unknown } | undefined)?.Version;
    if (version !== RCP_VERSION)
        problems.push(
            `its Version is ${version === undefined ? "missing" : JSON.stringify(version)}; an RCP must say "Version": "${RCP_VERSION}"`,
        );
    rawStatements(content).forEach((st, i) => {
        const where = label(i, st);
        // Allow is supported only in AWS's own RCPFullAWSAccess: a custom RCP's Allow is refused,
        // whatever it allows, and would read as a grant although an RCP never grants.
        if (st.Effect !== "Deny")
            problems.push(
                `${where}: its Effect is ${JSON.stringify(st.Effect)}; a custom RCP may only Deny (AWS supports Allow only in its own RCPFullAWSAccess, which it attaches itself). Fix: write the restriction as a Deny with conditions on who may pass (aws:PrincipalOrgID, aws:PrincipalIsAWSService...)`,
            );
        if ("NotPrincipal" in st) problems.push(`${where}: RCPs do not support NotPrincipal`);
        if ("NotAction" in st) problems.push(`${where}: RCPs do not support NotAction`);
        if ("Principal" in st && st.Principal !== "*")
            problems.push(
                `${where}: an RCP's Principal must be "*", got ${JSON.stringify(st.Principal)}; name whom the statement is about with conditions (aws:PrincipalOrgID, aws:PrincipalAccount...)`,
            );
    });
    return problems;
}

/** The RCP's parsed document, or undefined when it is absent or malformed (reported elsewhere). */
export function readRcp(props: Record<string, unknown>): PolicyDocument | undefined {
    const content = rcpContent(props);
    if (content === undefined || rcpProblems(content).length) return undefined;
    return readDocument(content, "resource");
}

/** The service prefix of an action pattern (`s3` of `s3:Get*`; `*` for `*`). */
function servicePattern(action: string): string {
    const i = action.indexOf(":");
    return (i < 0 ? action : action.slice(0, i)).toLowerCase();
}

/** The actions of a statement that reach no service RCPs apply to (`ec2:*`, `iam:PassRole`). */
export function actionsOutsideRcpServices(s: Statement): string[] {
    return (s.action ?? []).filter(
        (a) => !RCP_SERVICES.some((svc) => globMatch(servicePattern(a), svc, true)),
    );
}
