/**
 * Conditions that bound an escalation grant (admin.ts): a grant of an escalation action is admin
 * only if some request the caller can make with it escalates. We ask the witness search
 * (search.ts) for such a request, with every condition key given the values it can really take:
 * - keys the caller controls (request tags, addresses, MFA...) stay free: they never bound;
 * - keys AWS sets from the resource (keys.ts) take the values of an arbitrary target nobody
 *   named: no tag the policy names with a literal (unless the caller may tag targets, or the
 *   escalation works on the caller's own role/user/group, which carries the caller's tags; a tag
 *   compared with a policy variable such as ${aws:PrincipalTag/team} matches the caller's own);
 * - account and organization keys (aws:ResourceAccount, aws:PrincipalAccount, aws:ResourceOrgID,
 *   aws:PrincipalOrgID) take the probe's and every value the condition names: a caller in that
 *   account or organization escalates there, so such a pin never bounds;
 * - iam:PolicyARN takes only the policies that escalate: every admin-equivalent AWS-managed policy
 *   (policypack/iam/data) and any customer-managed policy nobody named, in every account above and
 *   under every path pattern the condition names;
 * - iam:PermissionsBoundary takes the boundaries that do not bound: none, an admin-equivalent
 *   AWS-managed one, or any customer-managed one the condition names (its document is not known
 *   here, and the caller may be able to rewrite it); any, when the caller can remove or replace
 *   boundaries;
 * - iam:PassedToService takes the services that run code with the role the same document lets
 *   the caller start (its compute actions; privileges.ts passedToServices, reviewed in
 *   data/passrole-consumers.json).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html
 */
import { ConditionClause } from "./conditions";
import { awsPrincipalFromArn, RequestPrincipal } from "./context";
import { PolicyDocument, Statement } from "./document";
import { statementMatchesAction, statementMatchesResource } from "./evaluate";
import { CALLER_OR_TARGET_ACCOUNT_KEYS, CALLER_OR_TARGET_ORG_KEYS, isResourceTagKey } from "./keys";
import { adminEquivalentManagedPolicyKeys, parseAwsManagedPolicyArn } from "./managed";
import { IamTarget, passedToServices, PROBE_ACCOUNT } from "./privileges";
import { Candidate, exactValuesFor, findAllowWitness } from "./search";
import { hasWildcard, instantiateGlob } from "./wildcard";

const PROBE_ORG = "o-zq9probeorg";
const POLICY_ARN = "iam:policyarn";
const BOUNDARY = "iam:permissionsboundary";
const PASSED_TO_SERVICE = "iam:passedtoservice";

/** The caller: a role session in `account`. */
function callerIn(account: string): RequestPrincipal {
    return awsPrincipalFromArn(`arn:aws:sts::${account}:assumed-role/zq9-caller/zq9-session`)!;
}

/** A customer-managed policy nobody named, in `account`: its content is whatever its owner wrote. */
function anyCustomerPolicy(account: string): string {
    return `arn:aws:iam::${account}:policy/zq9-any-policy`;
}

/** Keys pinning the account or organization of the caller or the target (keys.ts). */
const ACCOUNT_KEYS = CALLER_OR_TARGET_ACCOUNT_KEYS;
const ORG_KEYS = CALLER_OR_TARGET_ORG_KEYS;
const ACCOUNT_IN_ARN = /^arn:[^:]*:iam::(\d{12}):/;

/**
 * The values the clauses on `keyLower` name, wildcard patterns instantiated: an account or
 * organization pin names where the caller works, it never bounds what the caller does there.
 */
function namedValues(keyLower: string, clauses: readonly ConditionClause[]): string[] {
    const out = new Set(exactValuesFor(keyLower, clauses));
    for (const c of clauses) {
        if (c.keyLower !== keyLower) continue;
        for (const v of c.values) {
            if (v.includes("${") || v === "" || !hasWildcard(v)) continue;
            for (const x of instantiateGlob(v)) if (x !== "") out.add(x);
        }
    }
    return [...out];
}

/** Every admin-equivalent AWS-managed policy ARN (the generated table). */
function adminManagedArns(): string[] {
    return adminEquivalentManagedPolicyKeys().map((k) => `arn:aws:iam::aws:policy/${k}`);
}

/** Service principals that run code under a role passed to them for these compute actions. */
export function computeServicePrincipals(computeActions: readonly string[]): string[] {
    const out = new Set<string>();
    for (const a of computeActions) {
        for (const s of passedToServices(a.split(":")[0])) out.add(s);
    }
    return [...out];
}

const TAG_ACTIONS: Readonly<Record<IamTarget, string>> = {
    role: "iam:TagRole",
    user: "iam:TagUser",
    policy: "iam:TagPolicy",
    group: "iam:TagGroup",
};

function allows(doc: PolicyDocument, action: string, resource?: string): boolean {
    return doc.statements.some(
        (s) =>
            s.effect === "Allow" &&
            statementMatchesAction(s, action) &&
            (resource === undefined || statementMatchesResource(s, resource, new Map(), false)),
    );
}

export interface BoundContext {
    readonly doc: PolicyDocument;
    readonly target: IamTarget;
    /** For iam:PassRole: the compute actions the document allows. */
    readonly computeActions?: readonly string[];
    /** The escalation works on the caller's own role/user/group (privileges.ts selfCounts). */
    readonly selfCounts?: boolean;
}

/**
 * Can the caller use this Allow statement's grant of `action` to escalate, given its conditions?
 * True when some request the conditions admit escalates (see the module comment).
 */
export function grantEscalates(s: Statement, action: string, ctx: BoundContext): boolean {
    if (s.conditions.length === 0) return true;
    const { doc, target } = ctx;
    const keys = new Set(s.conditions.map((c) => c.keyLower));
    const domains = new Map<string, Candidate[]>();
    // The target is an arbitrary one in the caller's own account and organization: the probe's,
    // or any the condition names (the caller may work there; the pin then bounds nothing).
    const accounts = new Set([PROBE_ACCOUNT]);
    for (const k of ACCOUNT_KEYS) for (const v of namedValues(k, s.conditions)) accounts.add(v);
    for (const c of s.conditions) {
        if (c.keyLower !== POLICY_ARN) continue;
        for (const v of c.values) {
            const m = ACCOUNT_IN_ARN.exec(v);
            if (m) accounts.add(m[1]);
        }
    }
    const orgs = new Set([PROBE_ORG]);
    for (const k of ORG_KEYS) for (const v of namedValues(k, s.conditions)) orgs.add(v);
    domains.set("aws:resourceaccount", [...accounts]);
    domains.set("aws:resourceorgid", [...orgs]);
    domains.set("aws:principalorgid", [...orgs]);
    // Its tags are its owner's, so it carries none the policy names, unless the caller can tag it.
    // Not so for the caller's own role/user/group (self-targeting escalations: they carry the
    // caller's tags, whatever literal the policy names) nor for a tag compared with a policy
    // variable (`${aws:PrincipalTag/team}`: the caller's own role and its team's match).
    const canTag = allows(doc, TAG_ACTIONS[target]);
    for (const k of keys) {
        if (!isResourceTagKey(k) || canTag || ctx.selfCounts) continue;
        const selfMatched = s.conditions.some((c) => c.keyLower === k && c.variableKeys.length > 0);
        if (!selfMatched) domains.set(k, [undefined]);
    }
    if (keys.has(POLICY_ARN)) {
        const customer = [...accounts].map(anyCustomerPolicy);
        // Paths the condition names, in any account but AWS's: policies there nobody named.
        for (const c of s.conditions) {
            if (c.keyLower !== POLICY_ARN) continue;
            for (const v of c.values) {
                if (v.includes("${") || !hasWildcard(v) || v.startsWith("arn:aws:iam::aws:"))
                    continue;
                customer.push(...instantiateGlob(v, ["zq9-any-policy"]));
            }
        }
        domains.set(POLICY_ARN, [...adminManagedArns(), ...customer]);
    }
    if (keys.has(BOUNDARY) && !boundaryMutable(doc, target)) {
        // A customer-managed boundary grants whatever its owner wrote (or the caller rewrote): a
        // document alone cannot show it caps anything, so pinning one does not bound; only a
        // non-admin AWS-managed boundary does.
        const customer = namedValues(BOUNDARY, s.conditions).filter(
            (arn) => !parseAwsManagedPolicyArn(arn),
        );
        domains.set(BOUNDARY, [undefined, ...adminManagedArns(), ...customer]);
    }
    if (keys.has(PASSED_TO_SERVICE))
        domains.set(PASSED_TO_SERVICE, computeServicePrincipals(ctx.computeActions ?? []));
    const solo: PolicyDocument = { ...doc, statements: [s] };
    const principals = [...accounts].map(callerIn);
    return findAllowWitness(solo, { principals, action, domains }, s) !== undefined;
}

/** Can the caller remove or replace the boundaries of arbitrary targets of this type? */
function boundaryMutable(doc: PolicyDocument, target: IamTarget): boolean {
    if (target !== "role" && target !== "user") return false;
    const kind = target === "role" ? "Role" : "User";
    return doc.statements.some(
        (s) =>
            s.effect === "Allow" &&
            (statementMatchesAction(s, `iam:Delete${kind}PermissionsBoundary`) ||
                (statementMatchesAction(s, `iam:Put${kind}PermissionsBoundary`) &&
                    !s.conditions.some((c) => c.keyLower === BOUNDARY))),
    );
}
