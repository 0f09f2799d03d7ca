/**
 * iam-assume-role-bounded (mandatory): an sts:AssumeRole grant on roles whose account the Resource
 * leaves open (`arn:<p>:iam::*:role/<name>`, `*`) carries an exact bound on the role's account:
 * `StringEquals` (or `ForAnyValue:StringEquals`) on aws:ResourceOrgID with one organization id, or
 * on aws:ResourceAccount with exact account ids; no IfExists, no wildcard, no policy variable.
 * Without it the grant reaches a role of that name in any AWS account, the attacker's included:
 * anyone can create a role of any name in their own account and trust the granted principal.
 * - IfExists and ForAllValues pass when the key is absent: a role in an account of no organization.
 * - Two organization ids let in every account of the other organization; a wildcard or a negated
 *   operator (StringLike o-*, StringNotEquals) lets in organizations the author never named.
 * - An account list is a closed set: each id is one account the author named, as an exact ARN is.
 * aws:ResourceOrgID is present when the role's account belongs to an organization, and AWS's
 * resource-perimeter SCP bounds sts:AssumeRole with it.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceorgid
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceaccount
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 * The program's own grants (components/orgGrants.ts) are built this way.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { actionMatches, globMatch, parseArn, statementLabel } from "../iam";
import type { ConditionClause, Statement } from "../iam";
import { onIdentityDocuments } from "./documents";

export const NAME = "iam-assume-role-bounded";

const ASSUME_ROLE = "sts:AssumeRole";
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
const ACCOUNT_ID = /^\d{12}$/;
const ORG_KEY = "aws:resourceorgid";
const ACCOUNT_KEY = "aws:resourceaccount";

/**
 * Whether the statement grants sts:AssumeRole by an action it names: `Action: "*"` is admin,
 * iam-no-admin-grants' question, and NotAction statements are that policy's too.
 */
function grantsAssumeRole(s: Statement): boolean {
    return (
        s.effect === "Allow" &&
        (s.action ?? []).some((a) => a !== "*" && actionMatches(a, ASSUME_ROLE))
    );
}

/** Whether a Resource pattern reaches a role in an account it does not name exactly. */
function accountOpen(pattern: string): boolean {
    if (pattern === "*") return true;
    const a = parseArn(pattern);
    if (!a || !globMatch(a.service, "iam") || ACCOUNT_ID.test(a.account)) return false;
    // The resource part may reach a role: `role/...`, or a wildcard before `role/` is spelled out.
    const literal = a.resource.split(/[*?]/)[0];
    return literal.startsWith("role/") || "role/".startsWith(literal);
}

/** The Resource patterns of `s` that leave the role's account open. */
function openResources(s: Statement): string[] {
    if (s.notResource) return [`every resource except ${s.notResource.join(", ")}`];
    return (s.resource ?? ["*"]).filter(accountOpen);
}

/** Why a clause on aws:ResourceOrgID or aws:ResourceAccount is no exact bound; undefined if it is one. */
function clauseProblem(c: ConditionClause): string | undefined {
    const what = `${c.operator} ${c.key}`;
    if (c.ifExists) return `${what} passes when the key is absent (a role in no organization)`;
    if (c.qualifier === "ForAllValues") return `${what} passes when the key is absent`;
    if (c.base !== "StringEquals")
        return `${what} is not an exact match (only StringEquals or ForAnyValue:StringEquals bounds)`;
    const variable = c.values.find((v) => v.includes("${"));
    if (variable) return `${what} "${variable}" is a policy variable, not an exact value`;
    if (c.keyLower === ORG_KEY) {
        if (c.values.length !== 1)
            return `${what} names ${c.values.length} organizations, not the one organization`;
        if (!ORGANIZATION_ID.test(c.values[0]))
            return `${what} "${c.values[0]}" is not an exact organization id`;
        return undefined;
    }
    const wrong = c.values.find((v) => !ACCOUNT_ID.test(v));
    if (wrong !== undefined) return `${what} "${wrong}" is not an exact account id`;
    return c.values.length > 0 ? undefined : `${what} names no account`;
}

/** Why the statement has no exact bound on the role's account; undefined when it has one. */
export function assumeRoleBoundProblem(s: Statement): string | undefined {
    const clauses = s.conditions.filter(
        (c) => c.keyLower === ORG_KEY || c.keyLower === ACCOUNT_KEY,
    );
    if (clauses.length === 0) return "no condition on aws:ResourceOrgID or aws:ResourceAccount";
    const problems = clauses.map(clauseProblem);
    if (problems.some((p) => p === undefined)) return undefined;
    return problems.join("; ");
}

export const iamAssumeRoleBounded: ResourceValidationPolicy = {
    name: NAME,
    description:
        "sts:AssumeRole on roles in any account is bounded to one organization (StringEquals aws:ResourceOrgID) or to exact accounts (aws:ResourceAccount).",
    enforcementLevel: "mandatory",
    validateResource: onIdentityDocuments((doc, where, report) => {
        for (const s of doc.statements) {
            if (!grantsAssumeRole(s)) continue;
            const open = openResources(s);
            if (open.length === 0) continue;
            const problem = assumeRoleBoundProblem(s);
            if (!problem) continue;
            report(
                `${where} ${statementLabel(s)} allows sts:AssumeRole on ${open.join(", ")}, a role in any account, without an exact bound on the role's account (${problem}): a role of that name in anyone's account, trusting this principal, would be assumed. ` +
                    `Fix: add "StringEquals": {"aws:ResourceOrgID": "<your organization id>"} (one id, no IfExists, no wildcard), or "StringEquals": {"aws:ResourceAccount": [<the account ids>]}, or name the accounts in Resource.`,
            );
        }
    }),
};
