// How the security account grants sts:AssumeRole, and how a role's trust designates people,
// without a list that grows with accounts or people (IAM's quotas: an inline policy of a group
// holds 5,120 characters in all, a role's trust 2,048 by default).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
//
// Identity side: one statement over `arn:<partition>:iam::*:role<path><name>` (exact path and
// name, only the account field open), bounded by `StringEquals aws:ResourceOrgID`: the role must
// belong to an account of the organization. aws:ResourceOrgID is a global condition key, present
// in the request context when the account that owns the resource is a member of an organization,
// and AWS's resource-perimeter SCP bounds every action, sts:AssumeRole included, with it.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceorgid
// https://aws.amazon.com/blogs/security/iam-makes-it-easier-to-manage-permissions-for-aws-services-accessing-your-resources/
// https://github.com/aws-samples/data-perimeter-policy-examples (service_control_policies/resource_perimeter_scp.json,
// and data_perimeter_helper's query sts_scp_resource_perimeter: AssumeRole on roles outside the org)
// Why this is safe, and what it relies on: the grant reaches the path and name in every account
// of the organization, not only the accounts the stack files list. The guardrails' SCP statement
// ProtectOrgAccessRoles (components/guardrails.ts) reserves exactly these paths and names: only
// the deploy roles and the StackSet execution roles may create or change a role so named. That
// holds where the SCP applies: when the guardrails target the organization root, every member
// account; never the management account, which SCPs do not bind (its administrators already
// hold the organization). The proofs (evidence/proofs/edges/sts.ts) take an other account's role
// of the same name as reserved only in that case, and as a way in otherwise.
// Only for roles the program creates (audit, duty, preview roles): the SCP reserves the deploy
// roles' names too, but the program never creates a deploy role, and AWS Organizations creates
// OrganizationAccountAccessRole (admin) in every account it creates, so a deploy role name is
// granted only in the listed accounts (components/ciIdentity.ts deployRoleGrantPolicies).
//
// Trust side: people are trusted as the security account (`arn:<p>:iam::<security>:root`) with
// conditions that designate them: aws:PrincipalArn under the people's IAM path (an IAM user's
// ARN; a role session's is the role's, a federated user's is an sts ARN: neither matches), and
// the user's own tags org-access:principal-type=human and org-access:duty=<duty>, with MFA
// present (Bool) and recent. Both keys are global condition keys that a role's trust policy can
// use for AssumeRole; for an IAM user aws:PrincipalTag is the user's tags. A user may pass session
// tags to AssumeRole (with sts:TagSession), but in that request they are aws:RequestTag/<key>,
// which this trust does not read; they become aws:PrincipalTag only in the role session it gets.
// GetFederationToken's sessions are federated users, outside the path. Tag keys may hold ':'.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principaltag
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_adding-assume-role
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html (tag naming rules: letters, digits, spaces and _ . : / = + - @)
// What it relies on: only the program (the security account's deploy role) tags users, creates
// users at the path and adds them to the groups; the policy pack's escalation checks flag any
// principal of the plan that could iam:TagUser/UntagUser or iam:CreateUser.
import * as aws from "@pulumi/aws";
import { accountRootArn, iamUserArn } from "./arns";
import { IAM_PATH, isExactRoleArn, ORG_ID } from "../config/patterns";
import { DUTY_TAG, PRINCIPAL_TYPE_TAG } from "./principalTags";

export { DUTY_TAG, PRINCIPAL_TYPE_TAG };

/** The duties a person of the security account holds: one each (config validation). */
export type Duty = "audit" | "incident-response" | "break-glass";

/** The config key the grants read the organization from. */
export const ORGANIZATION_ID_KEY = "org-access:organizationId";

/** The problem with an organization id, naming the config key; undefined when it is one. */
export function organizationIdProblem(organizationId: unknown): string | undefined {
    if (typeof organizationId === "string" && ORG_ID.test(organizationId)) return undefined;
    return `organizationId ${JSON.stringify(organizationId)} is not an organization id (set ${ORGANIZATION_ID_KEY} to the id aws organizations describe-organization prints, o- and 10-32 lowercase letters or digits)`;
}

/**
 * `arn:<partition>:iam::*:role<path><name>` for each distinct path and name of `roleArns`, sorted:
 * the account field is the only one left open. Refuses a role ARN that is not exact (a wildcard in
 * the name or path would reach roles the SCP does not reserve).
 */
export function orgRoleResources(what: string, roleArns: readonly string[]): string[] {
    const problems = roleArns
        .filter((a) => !isExactRoleArn(a))
        .map((a) => `"${a}" is not an exact role ARN (no wildcard in the path or name)`);
    if (problems.length > 0) throw new Error(`${what}: ${problems.join("; ")}`);
    return [
        ...new Set(roleArns.map((a) => a.replace(/^(arn:[^:]+:iam::)\d{12}(:role\/)/, "$1*$2"))),
    ].sort();
}

/**
 * `sts:AssumeRole` on the path and name of each of `roleArns`, in any account of the organization
 * and nowhere else; for people, only with MFA present and recent. Its size depends on the distinct
 * role names, not on the accounts.
 */
export function assumeInOrganizationStatement(args: {
    readonly sid: string;
    /** Who asks, for the error: the component and its argument. */
    readonly what: string;
    readonly roleArns: readonly string[];
    readonly organizationId: string;
    readonly mfaMaxAgeSeconds?: number;
}): aws.iam.PolicyStatement {
    const org = organizationIdProblem(args.organizationId);
    if (org) throw new Error(`${args.what}: ${org}`);
    if (args.roleArns.length === 0)
        throw new Error(`${args.what}: at least one exact role ARN is required`);
    return {
        Sid: args.sid,
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Resource: orgRoleResources(args.what, args.roleArns),
        Condition: {
            StringEquals: { "aws:ResourceOrgID": args.organizationId },
            ...(args.mfaMaxAgeSeconds === undefined
                ? {}
                : {
                      Bool: { "aws:MultiFactorAuthPresent": "true" },
                      NumericLessThan: { "aws:MultiFactorAuthAge": String(args.mfaMaxAgeSeconds) },
                  }),
        },
    };
}

/** Who a role trusts among the people of the security account. */
export interface PeopleTrust {
    /** AWS partition. */
    readonly partition: string;
    /** The security account, whose IAM users hold the duty. */
    readonly securityAccountId: string;
    /** The IAM path of the duty's users, e.g. `/org-access/`. */
    readonly userPath: string;
    /** The value of the users' org-access:duty tag. */
    readonly duty: Duty;
    /** Oldest MFA sign-in accepted, in seconds. */
    readonly mfaMaxAgeSeconds: number;
}

/** Every problem with a PeopleTrust, each naming its field. */
export function peopleTrustProblems(t: PeopleTrust): string[] {
    const problems: string[] = [];
    if (!/^\d{12}$/.test(t.securityAccountId))
        problems.push(`securityAccountId "${t.securityAccountId}" is not a 12-digit account id`);
    if (!IAM_PATH.test(t.userPath) || /[*?]/.test(t.userPath))
        problems.push(`userPath "${t.userPath}" is not an IAM path without wildcards (/ or /a/b/)`);
    if (!Number.isInteger(t.mfaMaxAgeSeconds) || t.mfaMaxAgeSeconds <= 0)
        problems.push(`mfaMaxAgeSeconds ${t.mfaMaxAgeSeconds} is not a positive whole number`);
    return problems;
}

/**
 * The trust statement for people: the security account as principal, narrowed to its IAM users
 * under `userPath` that carry the human and duty tags, with MFA present (`Bool`: a request without
 * the key fails) and younger than `mfaMaxAgeSeconds`. Its size does not depend on how many people
 * hold the duty.
 */
export function peopleTrustStatement(sid: string, t: PeopleTrust): aws.iam.PolicyStatement {
    const problems = peopleTrustProblems(t);
    if (problems.length > 0) throw new Error(`${sid}: ${problems.join("; ")}`);
    return {
        Sid: sid,
        Effect: "Allow",
        Principal: { AWS: accountRootArn(t.partition, t.securityAccountId) },
        Action: "sts:AssumeRole",
        Condition: {
            ArnLike: {
                "aws:PrincipalArn": iamUserArn(t.partition, t.securityAccountId, "*", t.userPath),
            },
            StringEquals: {
                [`aws:PrincipalTag/${PRINCIPAL_TYPE_TAG}`]: "human",
                [`aws:PrincipalTag/${DUTY_TAG}`]: t.duty,
            },
            Bool: { "aws:MultiFactorAuthPresent": "true" },
            NumericLessThan: { "aws:MultiFactorAuthAge": String(t.mfaMaxAgeSeconds) },
        },
    };
}

/**
 * The one partition and IAM path of a duty's users, from their exact ARNs (what the security stack
 * exports): undefined for none; refused when they do not share one, since one trust statement
 * names one path.
 */
export function userPathOf(
    what: string,
    userArns: readonly string[],
): { partition: string; userPath: string } | undefined {
    const found = new Set(
        userArns.map((a) => {
            const m = /^arn:([^:]+):iam::\d{12}:user(\/(?:[\x21-\x7e]*\/)?)[\w+=,.@-]+$/.exec(a);
            if (!m) throw new Error(`${what}: "${a}" is not an exact IAM user ARN`);
            return `${m[1]} ${m[2]}`;
        }),
    );
    if (found.size > 1)
        throw new Error(
            `${what}: the users are under several IAM paths (${[...found]
                .map((f) => f.split(" ")[1])
                .sort()
                .join(", ")}); one trust statement names one path`,
        );
    const [only] = [...found];
    if (only === undefined) return undefined;
    const [partition, userPath] = only.split(" ");
    return { partition, userPath };
}
