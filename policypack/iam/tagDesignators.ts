/**
 * Tag designators: an Allow that says who among an account's principals gets in by their tags
 * (`StringEquals aws:PrincipalTag/org-access:duty audit`, components/orgGrants.ts) designates
 * nobody when that condition passes for a principal without the tag: `...IfExists` is true when the
 * key is absent, and so is `ForAllValues` (AWS evaluates it over an empty set). An untagged user
 * under the trusted path (made by anyone allowed iam:CreateUser there, without iam:TagUser) then
 * gets in, as BoolIfExists aws:MultiFactorAuthPresent lets in every session without MFA.
 * Answered with the witness search (search.ts), so it agrees with the evaluator by construction.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IfExists
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 */
import { accountRootArn, assumedRoleArn, iamUserArn, parseArn, PROBE_PARTITION } from "./arn";
import { ConditionClause } from "./conditions";
import { awsPrincipalFromArn, RequestPrincipal } from "./context";
import { PolicyDocument, Statement } from "./document";
import { statementMatchesAction } from "./evaluate";
import { mentionedAccounts, outsiderAccounts, principalArnProbes } from "./outsiders";
import { Candidate, findAllowWitness, Scenario, Witness } from "./search";
import { instantiateGlob } from "./wildcard";

const PRINCIPAL_TAG = "aws:principaltag/";
const UNTAGGED = "zq9-untagged";

/**
 * The clauses of `s` that designate principals by a tag: not negated (a negated one excludes, as a
 * quarantine tag does, and an untagged principal is meant to pass it).
 */
export function tagDesignators(s: Statement): ConditionClause[] {
    return s.conditions.filter((c) => c.keyLower.startsWith(PRINCIPAL_TAG) && !c.negated);
}

export interface UntaggedFinding {
    readonly statement: Statement;
    /** The designating clauses of the tag key the witness lacks. */
    readonly designators: readonly ConditionClause[];
    readonly action: string;
    readonly witness: Witness;
}

export interface UntaggedOptions {
    /** The actions to probe (e.g. TRUST_POLICY_ACTIONS); else the statement's own. */
    readonly actions?: readonly string[];
    /** The accounts whose untagged principals are probed; else every account the document names and outside ones. */
    readonly accounts?: readonly string[];
    readonly partition?: string;
    /** Service prefixes of the resource (e.g. ["s3"]), to probe NotAction statements. */
    readonly services?: readonly string[];
}

/** The principals of `accounts` a tag designator must keep out when they carry no tags. */
function untaggedPrincipals(
    doc: PolicyDocument,
    accounts: readonly string[],
    partition: string,
): RequestPrincipal[] {
    return [
        // Under the paths the aws:PrincipalArn conditions read first: the users the tags choose among.
        ...principalArnProbes(doc, accounts, partition),
        ...accounts.flatMap((a) => [
            awsPrincipalFromArn(iamUserArn(partition, a, UNTAGGED))!,
            awsPrincipalFromArn(assumedRoleArn(partition, a, UNTAGGED, "zq9-session"))!,
            awsPrincipalFromArn(accountRootArn(partition, a))!,
        ]),
    ];
}

/**
 * Allow statements that designate principals by tags yet let a principal without those tags in:
 * the search over every request of an untagged principal (the designating keys absent, every other
 * key the requester's to choose, MFA included).
 */
export function findUntaggedAccess(
    doc: PolicyDocument,
    opts: UntaggedOptions = {},
): UntaggedFinding[] {
    const out: UntaggedFinding[] = [];
    const partition =
        opts.partition ??
        doc.statements
            .flatMap((s) => s.principal?.aws ?? [])
            .map((a) => parseArn(a)?.partition)
            .find((p) => p && !p.includes("*")) ??
        PROBE_PARTITION;
    const accounts = opts.accounts ?? [
        ...new Set([...mentionedAccounts(doc), ...outsiderAccounts(doc)]),
    ];
    const principals = untaggedPrincipals(doc, accounts, partition);
    for (const s of doc.statements) {
        if (s.effect !== "Allow") continue;
        const designators = tagDesignators(s);
        if (designators.length === 0) continue;
        const actions =
            opts.actions ??
            (s.notAction
                ? (opts.services ?? ["zq9service"]).map((svc) => `${svc}:Zq9Action`)
                : (s.action ?? []).map((a) => instantiateGlob(a, ["Zq9"])[0]));
        // One tag missing at a time, the others the requester's to have: a user with the
        // principal-type tag but no duty tag must not pass a duty's trust either.
        const found = [...new Set(designators.map((c) => c.keyLower))]
            .map((key) => {
                const domains = new Map<string, Candidate[]>([[key, [undefined]]]);
                for (const action of actions) {
                    if (!statementMatchesAction(s, action)) continue;
                    const scenario: Scenario = { principals, action, domains };
                    const witness = findAllowWitness(doc, scenario, s);
                    if (witness)
                        return {
                            statement: s,
                            designators: designators.filter((c) => c.keyLower === key),
                            action,
                            witness,
                        };
                }
                return undefined;
            })
            .find((f) => f !== undefined);
        if (found) out.push(found);
    }
    return out;
}

/** Why the designators failed, for messages: the clauses that pass when the tag is absent. */
export function untaggedHints(f: UntaggedFinding): string {
    const weak = f.designators.filter((c) => c.ifExists || c.qualifier === "ForAllValues");
    const list = (weak.length ? weak : f.designators).map((c) => `${c.operator} ${c.key}`);
    return `${list.join(", ")} passes when the tag is absent`;
}

/** The untagged principal of a witness and the tag keys it lacks, for messages. */
export function describeUntagged(f: UntaggedFinding): string {
    const p = f.witness.principal;
    const who = p.type === "aws" ? p.arn : p.type;
    const keys = [...new Set(f.designators.map((c) => c.key))];
    return `${who} without the tag${keys.length > 1 ? "s" : ""} ${keys.join(", ")}`;
}
