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
 *   AWS-managed one, an AWS-managed one the data tables do not know, any policy a wildcard or a
 *   caller-chosen variable in the condition may name (a policy nobody planned can match it), and
 *   each customer-managed one the condition names that the BoundaryJudge cannot show to cap (see
 *   BoundaryJudge: with NO_PLAN, a check of one document, none is shown; iam/boundaries.ts judges
 *   them against the plan's aws.iam.Policy documents); any, when the caller can remove or replace
 *   boundaries. This is AWS's delegation pattern: creating roles and users, and writing their
 *   policies, only with a given boundary, which the caller cannot edit or remove.
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html#access_policies_boundaries-delegate
 * - iam:PassedToService takes the services that run code with the role the same document lets
 *   the caller start (its compute actions; privileges.ts passedToServices, reviewed in
 *   data/passrole-consumers.json).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html
 */
import { assumedRoleArn, awsManagedPolicyArn, iamPolicyArn, PROBE_PARTITION } from "./arn";
import { ConditionClause } from "./conditions";
import { awsPrincipalFromArn, RequestPrincipal } from "./context";
import { PolicyDocument, Statement, statementLabel } from "./document";
import { statementMatchesAction, statementMatchesResource } from "./evaluate";
import { CALLER_OR_TARGET_ACCOUNT_KEYS, CALLER_OR_TARGET_ORG_KEYS, isResourceTagKey } from "./keys";
import {
    adminEquivalentManagedPolicyKeys,
    knownAwsManagedPolicy,
    parseAwsManagedPolicyArn,
} from "./managed";
import { IamTarget, passedToServices, PROBE_ACCOUNT } from "./privileges";
import { Candidate, exactValuesFor, findAllowWitness, OTHER_VALUE } from "./search";
import { hasWildcard, instantiateGlob } from "./wildcard";

const PROBE_ORG = "o-zq9probeorg";
const POLICY_ARN = "iam:policyarn";
const BOUNDARY = "iam:permissionsboundary";
const PASSED_TO_SERVICE = "iam:passedtoservice";

/** The caller: a role session in `account`. */
function callerIn(account: string): RequestPrincipal {
    return awsPrincipalFromArn(
        assumedRoleArn(PROBE_PARTITION, account, "zq9-caller", "zq9-session"),
    )!;
}

/** A customer-managed policy nobody named, in `account`: its content is whatever its owner wrote. */
function anyCustomerPolicy(account: string): string {
    return iamPolicyArn(PROBE_PARTITION, account, "zq9-any-policy");
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
    return adminEquivalentManagedPolicyKeys().map((k) =>
        awsManagedPolicyArn(PROBE_PARTITION, `/${k}`),
    );
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

/**
 * Whether a customer-managed policy named as a permissions boundary caps the roles and users it
 * bounds. A boundary caps only when its document is known and not admin-equivalent, and neither
 * the caller nor the principals it bounds can rewrite, replace or delete it.
 */
export interface BoundaryJudge {
    /** Distinguishes cached answers that depend on the judge (admin.ts findAdminGrants). */
    readonly id: string;
    /**
     * Why the customer-managed policy `arn` (no wildcard; account PROBE_ACCOUNT stands for the
     * caller's own) does not cap what it bounds, for a caller holding `callers`; undefined when
     * it caps.
     */
    uncapped(arn: string, callers: readonly PolicyDocument[]): string | undefined;
    /**
     * Why the known, not admin-equivalent AWS-managed policy `arn` does not cap what it bounds
     * (what it lets its holders do with the plan's compute, say); undefined when it caps. A judge
     * without it (a check of one document, which sees no compute) leaves that to the stack check
     * that judges against the plan.
     */
    uncappedManaged?(arn: string): string | undefined;
}

/**
 * Actions that change what a customer-managed policy says: a new default version, an older one
 * made default, or the policy deleted and created again under the same ARN with another document.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html
 */
export const POLICY_REWRITES = [
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:DeletePolicy",
] as const;

/**
 * The first rewrite of policy `arn` some document allows (a Deny of the same document, or an
 * unconditional Deny of another, takes it away), as `<action> (<statement>)`; undefined if none.
 */
export function rewriteOf(arn: string, docs: readonly PolicyDocument[]): string | undefined {
    const account = ACCOUNT_IN_ARN.exec(arn)?.[1] ?? PROBE_ACCOUNT;
    const spellings = caseSpellings(arn, docs);
    for (const action of POLICY_REWRITES)
        for (const doc of docs)
            for (const resource of spellings) {
                const w = findAllowWitness(doc, {
                    principals: [callerIn(account)],
                    action,
                    resource,
                });
                if (!w) continue;
                // Every spelling names the one policy: an unconditional Deny whose Resource names
                // any of them guards it (AWS's delegation example denies CreatePolicyVersion on
                // the boundary's ARN as written), one through NotResource only the spellings it
                // does not list.
                const denied = docs.some((d) =>
                    d.statements.some(
                        (st) =>
                            st.effect === "Deny" &&
                            st.conditions.length === 0 &&
                            statementMatchesAction(st, action) &&
                            (st.resource
                                ? spellings.some((x) =>
                                      statementMatchesResource(st, x, new Map(), false),
                                  )
                                : statementMatchesResource(st, resource, new Map(), false)),
                    ),
                );
                if (!denied) return `${action} (${statementLabel(w.statement)})`;
            }
    return undefined;
}

/**
 * The spellings of policy `arn` a caller may send: IAM names are unique case-insensitively ("Names
 * are not distinguished by case"), so `policy/devboundary` names the policy `DevBoundary` and a
 * grant on that spelling rewrites it, while ARN patterns in policies match case-sensitively. Besides
 * `arn` itself: every Resource pattern of `docs` that matches it up to case, spelled as that
 * pattern spells it (its wildcards filled from `arn`), and `arn` with its name in lower and upper
 * case (what a NotResource written in the policy's own case leaves out). Deciding "can rewrite"
 * this way errs only towards "can".
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-friendly-names
 */
function caseSpellings(arn: string, docs: readonly PolicyDocument[]): string[] {
    const at = arn.indexOf(":policy/");
    if (at < 0) return [arn];
    const head = arn.slice(0, at + ":policy/".length);
    const name = arn.slice(head.length);
    const out = new Set([arn, head + name.toLowerCase(), head + name.toUpperCase()]);
    for (const doc of docs)
        for (const st of doc.statements)
            for (const pattern of st.resource ?? []) {
                if (pattern.includes("${") || pattern === arn) continue;
                const spelled = spellAs(pattern, arn);
                if (spelled) out.add(spelled);
            }
    return [...out];
}

/** `value` spelled with the letter case of glob `pattern` if it matches up to case, else undefined. */
function spellAs(pattern: string, value: string): string | undefined {
    const parts = pattern.split(/([*?])/);
    const source = parts
        .map((p) =>
            p === "*" ? "(.*?)" : p === "?" ? "(.)" : p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
        )
        .join("");
    const m = new RegExp(`^${source}$`, "is").exec(value);
    if (!m) return undefined;
    let group = 1;
    return parts.map((p) => (p === "*" || p === "?" ? m[group++] : p)).join("");
}

/**
 * A check of one document (iam-no-admin-grants per resource, the evidence proofs): no customer-
 * managed boundary is known to cap.
 */
export const NO_PLAN: BoundaryJudge = {
    id: "",
    uncapped: () => "its document is not known to a check of one document",
};

/**
 * Every customer-managed boundary the condition names exactly caps, unless the caller's own
 * documents let it rewrite it: what holds whatever the plan's documents say. The resource check of
 * iam-no-admin-grants reports these findings, and leaves the others (which only the plan's
 * boundary documents can clear) to its stack check.
 */
export const ASSUME_PLANNED: BoundaryJudge = {
    id: "assume-planned",
    uncapped: (arn, callers) => {
        const w = rewriteOf(arn, callers);
        return w && `the caller may rewrite it: ${w}`;
    },
};

/** A value the boundary key may take, and whether it names one policy exactly (`definite`). */
export interface BoundaryValue {
    readonly value: string;
    readonly definite: boolean;
}

const PRINCIPAL_ACCOUNT_VARIABLE = /\$\{\s*aws:principalaccount\s*\}/gi;

/**
 * The policies the clauses on iam:PermissionsBoundary name, as request values: the caller's
 * account put in for `${aws:PrincipalAccount}` (one value per account the caller may be in), any
 * other variable as a value the caller chooses (not definite), wildcards instantiated (not
 * definite: a policy nobody planned can match them).
 */
export function boundaryValues(
    clauses: readonly ConditionClause[],
    accounts: readonly string[],
): BoundaryValue[] {
    const out = new Map<string, boolean>();
    const add = (value: string, definite: boolean) => {
        if (value !== "") out.set(value, (out.get(value) ?? true) && definite);
    };
    for (const c of clauses) {
        if (c.keyLower !== BOUNDARY) continue;
        for (const raw of c.values) {
            const values = raw.includes("${")
                ? accounts.map((a) => raw.replace(PRINCIPAL_ACCOUNT_VARIABLE, a))
                : [raw];
            for (const v of values) {
                const chosen = v.includes("${");
                const resolved = v.replace(/\$\{[^}]*\}/g, OTHER_VALUE);
                if (!hasWildcard(resolved)) add(resolved, !chosen);
                else for (const x of instantiateGlob(resolved)) add(x, false);
            }
        }
    }
    return [...out].map(([value, definite]) => ({ value, definite }));
}

/**
 * The values of iam:PermissionsBoundary under which an escalation escapes: no boundary, an
 * admin-equivalent or unknown AWS-managed one, and each value the clauses name that does not cap
 * (with why), per `judge`. `callers` are the documents the caller holds (for rewrites).
 */
export function uncappedBoundaries(
    clauses: readonly ConditionClause[],
    accounts: readonly string[],
    judge: BoundaryJudge,
    callers: readonly PolicyDocument[],
): { value: string; why: string }[] {
    const out: { value: string; why: string }[] = [];
    for (const v of boundaryValues(clauses, accounts)) {
        if (parseAwsManagedPolicyArn(v.value)) {
            // Admin-equivalent AWS-managed boundaries are in the domain anyway (adminManagedArns).
            if (!knownAwsManagedPolicy(v.value))
                out.push({ value: v.value, why: "no AWS-managed policy of that name is known" });
            else {
                const why = judge.uncappedManaged?.(v.value);
                if (why) out.push({ value: v.value, why });
            }
            continue;
        }
        if (!v.definite) {
            out.push({
                value: v.value,
                why: "a wildcard or variable lets it name a policy nobody planned",
            });
            continue;
        }
        const why = judge.uncapped(v.value, callers);
        if (why) out.push({ value: v.value, why });
    }
    return out;
}

/** The domain of iam:PermissionsBoundary for a witness search: every value that does not cap. */
export function boundaryDomain(
    clauses: readonly ConditionClause[],
    accounts: readonly string[],
    judge: BoundaryJudge,
    callers: readonly PolicyDocument[],
): Candidate[] {
    return [
        undefined,
        ...adminManagedArns(),
        ...uncappedBoundaries(clauses, accounts, judge, callers).map((u) => u.value),
    ];
}

export interface BoundContext {
    readonly doc: PolicyDocument;
    readonly target: IamTarget;
    /** Judges customer-managed boundaries the conditions name (default NO_PLAN). */
    readonly boundaries?: BoundaryJudge;
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
    const judge = ctx.boundaries ?? NO_PLAN;
    if (keys.has(BOUNDARY) && !boundaryMutable(doc, target, judge, [...accounts])) {
        // A customer-managed boundary grants whatever its owner wrote (or the caller rewrote): it
        // bounds only when the judge shows it caps (the plan's document, not rewritable).
        domains.set(BOUNDARY, boundaryDomain(s.conditions, [...accounts], judge, [doc]));
    }
    if (keys.has(PASSED_TO_SERVICE))
        domains.set(PASSED_TO_SERVICE, computeServicePrincipals(ctx.computeActions ?? []));
    const solo: PolicyDocument = { ...doc, statements: [s] };
    const principals = [...accounts].map(callerIn);
    return findAllowWitness(solo, { principals, action, domains }, s) !== undefined;
}

/**
 * The first way a document lets its holder remove or replace the permissions boundary of some
 * role (or user), as `<action> (<statement>)`; undefined if none. On any resource: a boundary that
 * lets what it bounds do this on `role/app-*` lets the roles it bounds drop it. iam:Delete*
 * removes it outright; iam:Put* replaces it with any value the grant's iam:PermissionsBoundary
 * conditions admit that does not cap (boundaryDomain, per `judge`): a replacement pinned to
 * boundaries that cap is no way out, a pin with a wildcard or to a policy that does not cap is.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html#access_policies_boundaries-delegate
 */
export function boundaryMutation(
    doc: PolicyDocument,
    target: IamTarget,
    judge: BoundaryJudge = NO_PLAN,
    accounts: readonly string[] = [PROBE_ACCOUNT],
): string | undefined {
    if (target !== "role" && target !== "user") return undefined;
    const kind = target === "role" ? "Role" : "User";
    const principals = accounts.map(callerIn);
    for (const action of [
        `iam:Delete${kind}PermissionsBoundary`,
        `iam:Put${kind}PermissionsBoundary`,
    ])
        for (const s of doc.statements) {
            if (s.effect !== "Allow" || !statementMatchesAction(s, action)) continue;
            const domains = new Map<string, Candidate[]>();
            if (s.conditions.some((c) => c.keyLower === BOUNDARY))
                domains.set(BOUNDARY, boundaryDomain(s.conditions, accounts, judge, [doc]));
            // The whole document: its Denies take the grant away.
            if (findAllowWitness(doc, { principals, action, domains }, s))
                return `${action} (${statementLabel(s)})`;
        }
    return undefined;
}

/** Can the caller remove or replace the boundaries of arbitrary targets of this type? */
export function boundaryMutable(
    doc: PolicyDocument,
    target: IamTarget,
    judge: BoundaryJudge = NO_PLAN,
    accounts: readonly string[] = [PROBE_ACCOUNT],
): boolean {
    return boundaryMutation(doc, target, judge, accounts) !== undefined;
}
